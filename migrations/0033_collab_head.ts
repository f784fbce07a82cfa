import type { Kysely } from 'kysely';
import { bigint, blob } from './lib/portable.ts';

/**
 * A document's head: the whole document at `head_seq`, written by a
 * compaction that had to keep updates for history sessions still running
 * (server/collab/store.ts, replaceState). A load reads the head and the
 * updates after it instead of replaying every kept update; the rows between
 * `state_seq` and `head_seq` stay for the history until they are folded.
 * Ignored unless `head_seq > state_seq`.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('collab_documents').addColumn('head_state', blob(db)).execute();
	await db.schema
		.alterTable('collab_documents')
		.addColumn('head_seq', bigint(db), (c) => c.notNull().defaultTo(0))
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('collab_documents').dropColumn('head_seq').execute();
	await db.schema.alterTable('collab_documents').dropColumn('head_state').execute();
}

import type { Kysely } from 'kysely';

/**
 * History snapshots stored compressed. A snapshot is the whole document after
 * an editing session (migration 0022), written when compaction folds the
 * updates it needs — one per session, so a busy card writes several copies
 * of itself per compaction. `snapshot_format` says how `snapshot` is stored:
 * 0 a Yjs v1 update as it is (rows from before this migration), 1 that update
 * raw-deflated (src/lib/server/history-snapshot.ts; about 3.5x smaller for
 * card text).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('collab_history')
		.addColumn('snapshot_format', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('collab_history').dropColumn('snapshot_format').execute();
}

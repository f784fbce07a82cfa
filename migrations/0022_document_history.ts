import type { Kysely } from 'kysely';
import { bigint, blob, generatedId } from './lib/portable.ts';

/**
 * History of the collaborative documents (see docs/collab.md, "History").
 *
 *  - collab_updates gains who sent each update (`author_ids`: the user ids of
 *    the flush's senders, space-separated; null for a change of the server
 *    itself) and when it was committed (`created_at`).
 *  - collab_documents gains `state_seq`: the seq up to which `state` folds the
 *    updates, so seqs keep growing after compaction and a history entry knows
 *    whether the stored updates still reach it.
 *  - collab_history: one row per editing session (one author, edits with gaps
 *    shorter than HISTORY_SESSION_GAP_MS), covering the updates
 *    seq_from..seq_to. `snapshot` (the whole document after seq_to, a Yjs
 *    update) is written when compaction is about to delete the updates the
 *    session needs, so the history survives compaction; until then the
 *    session's state is the document's snapshot plus the updates up to seq_to.
 *    No REFERENCES on user_id: the history keeps its rows when an account goes.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('collab_updates').addColumn('created_at', bigint(db)).execute();
	await db.schema.alterTable('collab_updates').addColumn('author_ids', 'text').execute();
	await db.schema
		.alterTable('collab_documents')
		.addColumn('state_seq', bigint(db), (c) => c.notNull().defaultTo(0))
		.execute();
	await db.schema
		.createTable('collab_history')
		.addColumn('id', ...generatedId(db))
		.addColumn('doc_id', bigint(db), (c) => c.notNull().references('collab_documents.id').onDelete('cascade'))
		.addColumn('user_id', 'text')
		.addColumn('started_at', bigint(db), (c) => c.notNull())
		.addColumn('ended_at', bigint(db), (c) => c.notNull())
		.addColumn('seq_from', bigint(db), (c) => c.notNull())
		.addColumn('seq_to', bigint(db), (c) => c.notNull())
		.addColumn('snapshot', blob(db))
		.execute();
	await db.schema.createIndex('collab_history_doc_user').on('collab_history').columns(['doc_id', 'user_id', 'ended_at']).execute();
	await db.schema.createIndex('collab_history_doc_seq').on('collab_history').columns(['doc_id', 'seq_to']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('collab_history').execute();
	await db.schema.alterTable('collab_documents').dropColumn('state_seq').execute();
	await db.schema.alterTable('collab_updates').dropColumn('author_ids').execute();
	await db.schema.alterTable('collab_updates').dropColumn('created_at').execute();
}

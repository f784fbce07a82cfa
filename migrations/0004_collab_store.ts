import { sql, type Kysely } from 'kysely';
import { bigint, blob, generatedId, isPostgres } from './lib/portable.ts';

/**
 * Storage of the collaborative (Yjs) documents; see docs/collab.md.
 *
 *  - collab_documents: one row per document name; `state` is the compacted
 *    snapshot (a Yjs v1 update of the whole document), null until the first
 *    compaction or initial state.
 *  - collab_updates: the updates committed since that snapshot, in order.
 *    WITHOUT ROWID keeps (doc_id, seq) the only b-tree, so an append touches
 *    one index, and loading a document is one range scan. (SQLite only:
 *    PostgreSQL keeps rows in a heap whatever the key.)
 *
 * A document's content is `state` followed by its updates in `seq` order.
 * Compaction replaces both in one transaction.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('collab_documents')
		.addColumn('id', ...generatedId(db))
		.addColumn('name', 'text', (c) => c.notNull().unique())
		.addColumn('state', blob(db))
		.addColumn('compacted_at', bigint(db))
		.execute();

	await db.schema
		.createTable('collab_updates')
		.addColumn('doc_id', bigint(db), (c) => c.notNull().references('collab_documents.id').onDelete('cascade'))
		.addColumn('seq', bigint(db), (c) => c.notNull())
		.addColumn('data', blob(db), (c) => c.notNull())
		.addPrimaryKeyConstraint('collab_updates_pk', ['doc_id', 'seq'])
		.$call((t) => (isPostgres(db) ? t : t.modifyEnd(sql`without rowid`)))
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('collab_updates').execute();
	await db.schema.dropTable('collab_documents').execute();
}

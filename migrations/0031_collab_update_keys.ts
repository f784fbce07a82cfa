import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/portable.ts';

/**
 * collab_updates keyed by one integer: `id = doc_id << 32 | seq`.
 *
 * Migration 0004 made (doc_id, seq) the primary key of a WITHOUT ROWID
 * table. That is an index b-tree whose interior cells hold whole rows, so an
 * append of a ~100-byte update (with its author and time since migration
 * 0022) rewrote a leaf and often an interior page — two of the 4 KB pages
 * each commit writes to the WAL. Now the rowid is the key: one table b-tree
 * with integer-only interior cells, appends go to the end of the document's
 * key range, and a commit of one update writes about one page. A document is
 * still one range scan (`id` from doc_id << 32 to (doc_id + 1) << 32).
 *
 * `doc_id` and `seq` stay readable as VIRTUAL generated columns (they cost no
 * space); the hot paths in server/collab/store.ts use `id` ranges. Seqs stay
 * below 2^32 per document. No foreign key to collab_documents: nothing
 * deletes a document row (see docs/collab.md, "Storage").
 *
 * PostgreSQL: the same key as bigint, `doc_id`/`seq` STORED (it has no
 * virtual generated columns).
 */
export async function up(db: Kysely<any>): Promise<void> {
	if (isPostgres(db)) {
		await sql`CREATE TABLE collab_updates_keyed (
			id bigint PRIMARY KEY,
			data bytea NOT NULL,
			created_at bigint,
			author_ids text,
			doc_id bigint GENERATED ALWAYS AS (id >> 32) STORED,
			seq bigint GENERATED ALWAYS AS (id & 4294967295) STORED
		)`.execute(db);
		await sql`INSERT INTO collab_updates_keyed (id, data, created_at, author_ids)
			SELECT (doc_id::bigint << 32) + seq, data, created_at, author_ids FROM collab_updates`.execute(db);
		await sql`DROP TABLE collab_updates`.execute(db);
		await sql`ALTER TABLE collab_updates_keyed RENAME TO collab_updates`.execute(db);
		return;
	}
	await sql`CREATE TABLE collab_updates_keyed (
		id INTEGER PRIMARY KEY,
		data BLOB NOT NULL,
		created_at INTEGER,
		author_ids TEXT,
		doc_id INTEGER GENERATED ALWAYS AS (id >> 32) VIRTUAL,
		seq INTEGER GENERATED ALWAYS AS (id & 4294967295) VIRTUAL
	)`.execute(db);
	await sql`INSERT INTO collab_updates_keyed (id, data, created_at, author_ids)
		SELECT (doc_id << 32) + seq, data, created_at, author_ids FROM collab_updates ORDER BY doc_id, seq`.execute(db);
	await sql`DROP TABLE collab_updates`.execute(db);
	await sql`ALTER TABLE collab_updates_keyed RENAME TO collab_updates`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	if (isPostgres(db)) {
		await sql`CREATE TABLE collab_updates_pairs (
			doc_id bigint NOT NULL REFERENCES collab_documents (id) ON DELETE CASCADE,
			seq bigint NOT NULL,
			data bytea NOT NULL,
			created_at bigint,
			author_ids text,
			CONSTRAINT collab_updates_pk PRIMARY KEY (doc_id, seq)
		)`.execute(db);
		await sql`INSERT INTO collab_updates_pairs (doc_id, seq, data, created_at, author_ids)
			SELECT doc_id, seq, data, created_at, author_ids FROM collab_updates`.execute(db);
		await sql`DROP TABLE collab_updates`.execute(db);
		await sql`ALTER TABLE collab_updates_pairs RENAME TO collab_updates`.execute(db);
		return;
	}
	await sql`CREATE TABLE collab_updates_pairs (
		doc_id INTEGER NOT NULL REFERENCES collab_documents (id) ON DELETE CASCADE,
		seq INTEGER NOT NULL,
		data BLOB NOT NULL,
		created_at INTEGER,
		author_ids TEXT,
		CONSTRAINT collab_updates_pk PRIMARY KEY (doc_id, seq)
	) WITHOUT ROWID`.execute(db);
	await sql`INSERT INTO collab_updates_pairs (doc_id, seq, data, created_at, author_ids)
		SELECT doc_id, seq, data, created_at, author_ids FROM collab_updates ORDER BY id`.execute(db);
	await sql`DROP TABLE collab_updates`.execute(db);
	await sql`ALTER TABLE collab_updates_pairs RENAME TO collab_updates`.execute(db);
}

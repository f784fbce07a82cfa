import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { seedDemo } from '../src/lib/server/demo.ts';
import { openPostgres } from '../src/lib/server/db.ts';
import { createTestDatabase, type TestDatabase } from '../src/lib/server/test-db.ts';
import { DEMO_DIR } from './app.ts';
import { postgresDocumentStore } from './collab/document-store.ts';
import { collabStore, docFromStored, writeInitialState } from './collab/store.ts';
import { copyToPostgres } from './copy-to-postgres.ts';
import { postgresSkipReason, startPostgres, type TestPostgres } from './testing/postgres.ts';

/**
 * Moving an existing SQLite installation to PostgreSQL (issue 18): the demo
 * data with its documents, one of them with edits after its snapshot and a
 * history, copied into an empty database — the same rows and the same
 * documents — and refused into one that is not empty.
 */
const skip = postgresSkipReason();
if (skip) console.warn(`skipping the copy to PostgreSQL: ${skip}`);

describe.skipIf(skip !== null)('copying a SQLite database to PostgreSQL', () => {
	let server: TestPostgres;
	let sqlite: TestDatabase;
	let edited: string;

	beforeAll(async () => {
		server = await startPostgres();
		sqlite = await createTestDatabase();
		await seedDemo(sqlite.db, DEMO_DIR, (name, update) => void writeInitialState(sqlite.sqlite, name, update));
		edited = (sqlite.sqlite.prepare("SELECT name FROM collab_documents WHERE name LIKE 'action:%' LIMIT 1").pluck().get() as string) ?? '';
		// edits after the snapshot, with their authors: updates and a history session to copy
		const store = collabStore(sqlite.sqlite);
		const doc = docFromStored(store.read(edited));
		const user = sqlite.sqlite.prepare('SELECT id FROM users LIMIT 1').pluck().get() as string;
		let seq = store.read(edited)!.lastSeq;
		for (const word of ['verder ', 'met ', 'Kring']) {
			const before = Y.encodeStateVector(doc);
			doc.getText('body').insert(doc.getText('body').length, word);
			const update = Y.encodeStateAsUpdate(doc, before);
			const id = store.read(edited)!.id;
			store.transaction(() => store.append(id, ++seq, update, { authors: [user], at: Date.now() }));
		}
		doc.destroy();
	}, 60_000);

	afterAll(async () => {
		await sqlite?.close();
		await server?.stop();
	});

	it('copies every row and every document, and checks both', async () => {
		const url = await server.createDatabase('kring_copy');
		const report = await copyToPostgres(sqlite.path, url);
		const byTable = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
		expect(byTable.plans).toBeGreaterThanOrEqual(4);
		expect(byTable.collab_updates).toBe(3);
		expect(byTable.collab_history).toBeGreaterThanOrEqual(1);
		expect(report.documents).toBe(byTable.collab_documents);
		const target = openPostgres(url, { max: 1 });
		try {
			const copied = docFromStored(await postgresDocumentStore(target.pool).read(edited));
			expect(copied.getText('body').toString().endsWith('verder met Kring')).toBe(true);
			copied.destroy();
			// the search index is built on PostgreSQL by its triggers
			const { rows } = await target.pool.query<{ n: number }>('SELECT count(*) AS n FROM search_index');
			expect(Number(rows[0].n)).toBeGreaterThan(0);
			// identities go on after the copied ids
			const { rows: next } = await target.pool.query<{ id: number }>("INSERT INTO collab_documents (name) VALUES ('nieuw') RETURNING id");
			expect(next[0].id).toBeGreaterThan(byTable.collab_documents);
		} finally {
			await target.db.destroy();
		}
	}, 60_000);

	it('refuses to copy into a database that is not empty', async () => {
		const url = await server.createDatabase('kring_full');
		await copyToPostgres(sqlite.path, url);
		await expect(copyToPostgres(sqlite.path, url)).rejects.toThrow(/not empty/);
	}, 60_000);
});

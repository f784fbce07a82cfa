import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadUserRoles } from '../../src/lib/server/access.ts';
import { docFromUpdate, historyTarget, listHistory, readVersion, restoreVersion } from '../../src/lib/server/history.ts';
import { collabStore, compactDocument, SNAPSHOT_LIMITS } from './store.ts';
import { allSaved, connectClient, createTestDatabase, startTestServer, synced, waitFor, type TestDatabase, type TestServer } from './test-fixtures/harness.ts';
import { onSqlite } from '../../src/lib/server/test-db.ts';

/**
 * History of collaborative documents: editing sessions per author recorded
 * with each commit, versions readable before and after compaction, and a
 * restore that is itself a new change, seen live, and loses nothing.
 */

let database: TestDatabase;
let server: TestServer;
const GAP = 300;

beforeAll(async () => {
	database = await createTestDatabase();
	server = await startTestServer(database.opened, { historySessionGapMs: GAP, unloadDelayMs: 100 });
});

afterAll(async () => {
	await server.stop();
	database.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function typeInto(doc: Y.Doc, field: string, text: string): void {
	doc.transact(() => {
		const fragment = doc.getXmlFragment(field);
		fragment.delete(0, fragment.length);
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText(text)]);
		fragment.insert(0, [p]);
	});
}

function fieldOf(update: Uint8Array, field: string): string {
	const doc = docFromUpdate(update);
	try {
		return doc.getXmlFragment(field).toString();
	} finally {
		doc.destroy();
	}
}

describe('document history', () => {
	it('groups edits into sessions per author, newest first, the running one listed at once', async () => {
		const { editor, editor2, actionIds } = database.seed;
		const name = `action:${actionIds[0]}`;
		const a = connectClient(server, name, editor.token);
		const b = connectClient(server, name, editor2.token);
		await Promise.all([synced(a), synced(b)]);

		typeInto(a.doc, 'omschrijving', 'Eerste');
		await allSaved(a);
		typeInto(a.doc, 'omschrijving', 'Eerste versie');
		await allSaved(a);
		let entries = await listHistory(database.opened.db, name);
		// one session of Eva so far, listed while it is still going on
		expect(entries).toHaveLength(1);
		expect(entries[0].author).toEqual({ id: editor.id, name: 'Eva Editor' });

		typeInto(b.doc, 'omschrijving', 'Erik schrijft');
		await allSaved(b);
		entries = await listHistory(database.opened.db, name);
		expect(entries.map((e) => e.author.id)).toEqual([editor2.id, editor.id]);

		await sleep(GAP + 100);
		typeInto(a.doc, 'omschrijving', 'Tweede sessie');
		await allSaved(a);
		entries = await listHistory(database.opened.db, name);
		expect(entries.map((e) => e.author.name)).toEqual(['Eva Editor', 'Erik Editor', 'Eva Editor']);
		expect(Date.parse(entries[0].to)).toBeGreaterThanOrEqual(Date.parse(entries[0].from));
		expect(Date.parse(entries[2].to)).toBeLessThanOrEqual(Date.parse(entries[0].from));

		// every version is the document as it stood at the end of that session
		const oldest = await readVersion(database.opened.db, name, Number(entries[2].versionId));
		expect(fieldOf(oldest!, 'omschrijving')).toContain('Eerste versie');
		const newest = await readVersion(database.opened.db, name, Number(entries[0].versionId));
		expect(fieldOf(newest!, 'omschrijving')).toContain('Tweede sessie');

		// each stored update carries its author and time
		const row = await database.opened.db
			.selectFrom('collab_updates as u')
			.innerJoin('collab_documents as d', 'd.id', 'u.doc_id')
			.select(['u.author_ids', 'u.created_at'])
			.where('d.name', '=', name)
			.orderBy('u.seq', 'desc')
			.limit(1)
			.executeTakeFirstOrThrow();
		expect(row.author_ids).toBe(editor.id);
		expect(row.created_at!).toBeGreaterThan(Date.now() - 10_000);
		a.destroy();
		b.destroy();
	});

	it('keeps every version readable after compaction folded its updates, and seqs go on after a reload', async () => {
		const { editor, actionIds } = database.seed;
		const name = `action:${actionIds[0]}`;
		const before = await listHistory(database.opened.db, name);
		const texts = await Promise.all(before.map(async (e) => fieldOf((await readVersion(database.opened.db, name, Number(e.versionId)))!, 'omschrijving')));
		// the clients left: the document is unloaded, which compacts it
		await waitFor(() => server.server.stats().documents === 0);
		const left = await database.opened.db
			.selectFrom('collab_updates as u')
			.innerJoin('collab_documents as d', 'd.id', 'u.doc_id')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('d.name', '=', name)
			.executeTakeFirstOrThrow();
		expect(Number(left.n)).toBe(0);
		const after = await listHistory(database.opened.db, name);
		expect(after.map((e) => e.versionId)).toEqual(before.map((e) => e.versionId));
		expect(after.every((e) => e.restorable)).toBe(true);
		const textsAfter = await Promise.all(after.map(async (e) => fieldOf((await readVersion(database.opened.db, name, Number(e.versionId)))!, 'omschrijving')));
		expect(textsAfter).toEqual(texts);

		// reloaded, new edits continue the seq, so old sessions keep their meaning
		const a = connectClient(server, name, editor.token);
		await synced(a);
		await sleep(GAP + 100);
		typeInto(a.doc, 'omschrijving', 'Na het opruimen');
		await allSaved(a);
		const latest = await listHistory(database.opened.db, name);
		expect(latest).toHaveLength(before.length + 1);
		expect(fieldOf((await readVersion(database.opened.db, name, Number(latest[0].versionId)))!, 'omschrijving')).toContain('Na het opruimen');
		expect(fieldOf((await readVersion(database.opened.db, name, Number(latest[1].versionId)))!, 'omschrijving')).toContain('Tweede sessie');
		a.destroy();
	});

	it('restores a version as a new change that an open client sees live, keeping the state before it as a version', async () => {
		const { editor, editor2, viewer, actionIds } = database.seed;
		const name = `action:${actionIds[1]}`;
		const watcher = connectClient(server, name, editor2.token);
		const a = connectClient(server, name, editor.token);
		await Promise.all([synced(a), synced(watcher)]);
		typeInto(a.doc, 'omschrijving', 'De goede tekst');
		a.doc.getMap('meta').set('title', 'Goede titel');
		await allSaved(a);
		await sleep(GAP + 100);
		typeInto(a.doc, 'omschrijving', 'Een foute wijziging');
		a.doc.getMap('meta').set('title', 'Foute titel');
		typeInto(a.doc, 'doel', 'Het doel blijft');
		await allSaved(a);
		const entries = await listHistory(database.opened.db, name);
		expect(entries).toHaveLength(2);
		const first = Number(entries[1].versionId);

		// a reader may not restore
		const readerTarget = await historyTarget(database.opened.db, await loadUserRoles(database.opened.db, viewer.id), name);
		const change = (n: string, fn: (doc: Y.Doc) => void, o: { author: string; newSession: boolean }) => server.server.change(n, fn, o);
		expect(await restoreVersion(database.opened.db, { target: readerTarget!, versionId: first, fields: ['omschrijving', 'doel'], field: null, author: viewer.id, changeDocument: change })).toBe('forbidden');

		// one field only: the other keeps its text, the title stays
		const target = await historyTarget(database.opened.db, await loadUserRoles(database.opened.db, editor.id), name);
		expect(await restoreVersion(database.opened.db, { target: target!, versionId: first, fields: ['omschrijving', 'doel'], field: 'omschrijving', author: editor.id, changeDocument: change })).toBe('restored');
		await waitFor(() => watcher.doc.getXmlFragment('omschrijving').toString().includes('De goede tekst'));
		expect(watcher.doc.getXmlFragment('doel').toString()).toContain('Het doel blijft');
		expect(watcher.doc.getMap('meta').get('title')).toBe('Foute titel');

		// the restore is an entry of its own, and the state just before it is still a version
		const afterRestore = await listHistory(database.opened.db, name);
		expect(afterRestore).toHaveLength(3);
		expect(afterRestore[0].author.id).toBe(editor.id);
		const beforeRestore = await readVersion(database.opened.db, name, Number(afterRestore[1].versionId));
		expect(fieldOf(beforeRestore!, 'omschrijving')).toContain('Een foute wijziging');

		// the whole document, meta included
		expect(await restoreVersion(database.opened.db, { target: target!, versionId: first, fields: ['omschrijving', 'doel'], field: null, author: editor.id, changeDocument: change })).toBe('restored');
		await waitFor(() => watcher.doc.getMap('meta').get('title') === 'Goede titel');
		expect(watcher.doc.getXmlFragment('doel').toString()).not.toContain('Het doel blijft');
		// nothing lost: the version with the wrong edit can still be read and restored
		expect(fieldOf((await readVersion(database.opened.db, name, Number(afterRestore[1].versionId)))!, 'doel')).toContain('Het doel blijft');

		// unknown version or field
		expect(await restoreVersion(database.opened.db, { target: target!, versionId: 999999, fields: ['omschrijving'], field: null, author: editor.id, changeDocument: change })).toBe('gone');
		expect(await restoreVersion(database.opened.db, { target: target!, versionId: first, fields: ['omschrijving'], field: 'nope', author: editor.id, changeDocument: change })).toBe('gone');
		a.destroy();
		watcher.destroy();
	});

	it('refuses to restore into an archived action', async () => {
		const { editor, actionIds } = database.seed;
		const name = `action:${actionIds[1]}`;
		const entries = await listHistory(database.opened.db, name);
		await database.opened.db.updateTable('actions').set({ archived_at: Date.now() }).where('id', '=', actionIds[1]).execute();
		try {
			const target = await historyTarget(database.opened.db, await loadUserRoles(database.opened.db, editor.id), name);
			let changed = false;
			const outcome = await restoreVersion(database.opened.db, {
				target: target!,
				versionId: Number(entries.at(-1)!.versionId),
				fields: ['omschrijving'],
				field: null,
				author: editor.id,
				changeDocument: async () => {
					changed = true;
				}
			});
			expect(outcome).toBe('archived');
			expect(changed).toBe(false);
		} finally {
			await database.opened.db.updateTable('actions').set({ archived_at: null }).where('id', '=', actionIds[1]).execute();
		}
	});

	it('hides the history of a document from someone without a role in the region', async () => {
		const { stranger, actionIds } = database.seed;
		expect(await historyTarget(database.opened.db, await loadUserRoles(database.opened.db, stranger.id), `action:${actionIds[0]}`)).toBeNull();
	});
});

describe('snapshot bound', () => {
	it.skipIf(!onSqlite)('thins old snapshots to about one a week beyond the newest ones, keeping every session listed', async () => {
		const { sqlite, db } = database.opened;
		const store = collabStore(sqlite);
		const name = 'theme:thinning';
		const docId = store.transaction(() => store.ensureDocument(name));
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		const day = 24 * 60 * 60 * 1000;
		const start = Date.now() - 400 * day;
		const sessions = 300;
		store.transaction(() => {
			for (let i = 1; i <= sessions; i++) {
				doc.getText('t').insert(0, `${i} `);
				store.append(docId, i, updates.at(-1)!, { authors: ['u1'], at: start + i * day }, 1000);
			}
		});
		expect(compactDocument(sqlite, name)).toBe(true);
		const entries = await listHistory(db, name, 1000);
		expect(entries).toHaveLength(sessions);
		const kept = entries.filter((e) => e.restorable);
		expect(kept.length).toBeLessThanOrEqual(SNAPSHOT_LIMITS.max);
		expect(kept.length).toBeGreaterThan(SNAPSHOT_LIMITS.recent);
		// the newest ones all kept
		expect(entries.slice(0, SNAPSHOT_LIMITS.recent).every((e) => e.restorable)).toBe(true);
		const newest = await readVersion(db, name, Number(entries[0].versionId));
		expect(docFromUpdate(newest!).getText('t').toString().startsWith(`${sessions} `)).toBe(true);
		const thinned = entries.find((e) => !e.restorable)!;
		expect(await readVersion(db, name, Number(thinned.versionId))).toBeNull();
		doc.destroy();
	});
});

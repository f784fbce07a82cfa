import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { collabStore, compactDocument, docFromStored, loadDocumentState, writeInitialState } from './store.ts';
import {
	allSaved,
	connectClient,
	createTestDatabase,
	startTestServer,
	synced,
	waitFor,
	type TestDatabase
} from './test-fixtures/harness.ts';

let database: TestDatabase;

beforeAll(async () => {
	database = await createTestDatabase();
});

afterAll(() => database.remove());

function rows(name: string): number {
	const row = database.opened.sqlite
		.prepare('SELECT count(*) AS n FROM collab_updates u JOIN collab_documents d ON d.id = u.doc_id WHERE d.name = ?')
		.get(name) as { n: number };
	return row.n;
}

/** Everything a client can observe of a document. */
function observable(doc: Y.Doc): unknown {
	return {
		body: doc.getText('body').toDelta(),
		meta: doc.getMap('meta').toJSON(),
		list: doc.getArray('list').toJSON(),
		xml: doc.getXmlFragment('omschrijving').toString(),
		stateVector: [...Y.decodeStateVector(Y.encodeStateVector(doc)).entries()].sort()
	};
}

/** Appends one stored row per edit, as a server would, with text, formatting, deletions, maps and XML. */
function appendEdits(name: string, edits: number): Y.Doc {
	const store = collabStore(database.opened.sqlite);
	const source = new Y.Doc();
	const id = store.ensureDocument(name);
	let seq = store.read(name)?.lastSeq ?? 0;
	source.on('update', (update: Uint8Array) => store.append(id, ++seq, update));
	const text = source.getText('body');
	for (let i = 0; i < edits; i++) {
		text.insert((i * 7) % (text.length + 1), `w${i} `, i % 5 === 0 ? { bold: true } : undefined);
		if (i % 4 === 3) text.delete(0, 2);
		if (i % 10 === 0) source.getMap('meta').set('status', i % 20 === 0 ? 'in_progress' : 'at_risk');
		if (i % 25 === 0) source.getArray('list').push([{ n: i }]);
		if (i % 50 === 0) source.getXmlFragment('omschrijving').push([new Y.XmlText(`alinea ${i}`)]);
	}
	return source;
}

describe('collab store', () => {
	it('leaves content identical after compaction', () => {
		const name = 'action:compactme';
		const source = appendEdits(name, 400);
		expect(rows(name)).toBeGreaterThan(400);
		const before = docFromStored(collabStore(database.opened.sqlite).read(name));
		expect(compactDocument(database.opened.sqlite, name)).toBe(true);
		expect(rows(name)).toBe(0);
		const after = docFromStored(collabStore(database.opened.sqlite).read(name));
		expect(observable(after)).toEqual(observable(before));
		expect(observable(after)).toEqual(observable(source));
	});

	it('keeps updates appended after a compaction', () => {
		const name = 'action:compacttwice';
		appendEdits(name, 30);
		compactDocument(database.opened.sqlite, name);
		const store = collabStore(database.opened.sqlite);
		const extra = new Y.Doc();
		Y.applyUpdate(extra, loadDocumentState(database.opened.sqlite, name)!);
		const sv = Y.encodeStateVector(extra);
		extra.getMap('meta').set('title', 'Na compactie');
		const stored = store.read(name)!;
		store.append(stored.id, stored.lastSeq + 1, Y.encodeStateAsUpdate(extra, sv));
		const loaded = docFromStored(store.read(name));
		expect(loaded.getMap('meta').get('title')).toBe('Na compactie');
		expect(observable(loaded)).toEqual(observable(extra));
	});

	it('writes an initial state only for a document without content', () => {
		const name = 'plan:initial';
		const seed = new Y.Doc();
		seed.getText('body').insert(0, 'Inleiding');
		expect(writeInitialState(database.opened.sqlite, name, Y.encodeStateAsUpdate(seed))).toBe(true);
		const other = new Y.Doc();
		other.getText('body').insert(0, 'Iets anders');
		expect(writeInitialState(database.opened.sqlite, name, Y.encodeStateAsUpdate(other))).toBe(false);
		const loaded = new Y.Doc();
		Y.applyUpdate(loaded, loadDocumentState(database.opened.sqlite, name)!);
		expect(loaded.getText('body').toString()).toBe('Inleiding');
	});

	it('refuses an initial state that is not a Yjs update', () => {
		expect(() => writeInitialState(database.opened.sqlite, 'plan:broken', Uint8Array.of(1, 200, 3))).toThrow();
		expect(loadDocumentState(database.opened.sqlite, 'plan:broken')).toBeNull();
	});

	it('reports no state for a document never stored', () => {
		expect(loadDocumentState(database.opened.sqlite, 'action:neverstored')).toBeNull();
	});
});

describe('compaction by the server', () => {
	it('folds updates into the snapshot past the threshold and on unload, keeping content identical', async () => {
		const server = await startTestServer(database.opened, { compactAfterUpdates: 10, unloadDelayMs: 50 });
		const name = `action:${database.seed.actionIds[0]}`;
		try {
			const a = connectClient(server, name, database.seed.editor.token);
			await synced(a);
			for (let i = 0; i < 40; i++) {
				a.doc.getText('body').insert(a.doc.getText('body').length, `regel ${i}\n`);
				await allSaved(a);
			}
			expect(rows(name)).toBeLessThan(12);
			const seen = observable(a.doc);
			a.destroy();
			await waitFor(() => server.server.stats().documents === 0, 5000, 'unload');
			expect(rows(name)).toBe(0);
			const b = connectClient(server, name, database.seed.editor2.token);
			await synced(b);
			expect(observable(b.doc)).toEqual(seen);
			b.destroy();
		} finally {
			await server.stop();
		}
	});

	it('compacts a document stored with many updates when it loads, keeping content identical', async () => {
		const name = `action:${database.seed.actionIds[1]}`;
		const source = appendEdits(name, 300);
		const server = await startTestServer(database.opened, { compactOnLoadAfter: 50 });
		try {
			const a = connectClient(server, name, database.seed.editor.token);
			await synced(a);
			expect(observable(a.doc)).toEqual(observable(source));
			await waitFor(() => rows(name) === 0, 5000, 'compaction on load');
			const fresh = docFromStored(collabStore(database.opened.sqlite).read(name));
			expect(observable(fresh)).toEqual(observable(source));
			a.destroy();
		} finally {
			await server.stop();
		}
	});
});

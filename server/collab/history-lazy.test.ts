import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase } from '../../src/lib/server/db.ts';
import { listHistory, readVersion } from '../../src/lib/server/history.ts';
import { collabStore } from './store.ts';
import { createTestDatabase, type TestDatabase } from './test-fixtures/harness.ts';

/**
 * A running editing session's end is written lazily (store.ts): an update
 * commits its own row only. These tests check what a reader of the history
 * sees while the row lags behind, and after the process died without
 * writing it.
 */

let database: TestDatabase;

beforeAll(async () => {
	database = await createTestDatabase();
});

afterAll(() => database.remove());

const GAP = 60_000;
const T0 = Date.UTC(2026, 11, 2, 9, 0);

/** Edits of one author, one stored update each, as the server appends them; returns the doc id. */
function typeAs(sqlite: typeof database.opened.sqlite, name: string, author: string, words: string[], at: (i: number) => number): number {
	const store = collabStore(sqlite);
	const id = store.ensureDocument(name);
	const stored = store.read(name)!;
	const doc = new Y.Doc();
	if (stored.state) Y.applyUpdate(doc, stored.state);
	for (const u of stored.updates) Y.applyUpdate(doc, u);
	let seq = stored.lastSeq;
	for (const [i, word] of words.entries()) {
		const before = Y.encodeStateVector(doc);
		doc.getText('body').insert(doc.getText('body').length, word);
		const update = Y.encodeStateAsUpdate(doc, before);
		store.transaction(() => store.append(id, ++seq, update, { authors: [author], at: at(i) }, GAP));
	}
	doc.destroy();
	return id;
}

function bodyOf(update: Uint8Array): string {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, update);
	return doc.getText('body').toString();
}

function sessionRow(docId: number): { ended_at: number; seq_to: number } {
	return database.opened.sqlite.prepare('SELECT ended_at, seq_to FROM collab_history WHERE doc_id = ? ORDER BY id DESC LIMIT 1').get(docId) as {
		ended_at: number;
		seq_to: number;
	};
}

describe('history of a running session', () => {
	it('lists the session up to its last edit while only the update rows were written', async () => {
		const name = 'action:lazy-list';
		const docId = typeAs(database.opened.sqlite, name, 'user-a', ['een ', 'twee ', 'drie'], (i) => T0 + i * 1000);
		expect(sessionRow(docId)).toEqual({ ended_at: T0, seq_to: 1 });
		const [entry, ...rest] = await listHistory(database.opened.db, name);
		expect(rest).toEqual([]);
		expect(entry.to).toBe(new Date(T0 + 2000).toISOString());
		expect(bodyOf((await readVersion(database.opened.db, name, Number(entry.versionId)))!)).toBe('een twee drie');
	});

	it('goes on in the same session after a restart that never wrote its end', async () => {
		const name = 'action:lazy-restart';
		typeAs(database.opened.sqlite, name, 'user-b', ['voor ', 'de '], (i) => T0 + i * 1000);
		// a second handle on the same file has a store of its own: as after kill -9 and a restart
		const restarted = openDatabase(database.path);
		try {
			typeAs(restarted.sqlite, name, 'user-b', ['herstart'], () => T0 + 30_000);
			const entries = await listHistory(restarted.db, name);
			expect(entries).toHaveLength(1);
			expect(entries[0].from).toBe(new Date(T0).toISOString());
			expect(entries[0].to).toBe(new Date(T0 + 30_000).toISOString());
		} finally {
			restarted.sqlite.close();
		}
	});

	it('starts a new session after the gap also when the last one was never written', async () => {
		const name = 'action:lazy-gap';
		typeAs(database.opened.sqlite, name, 'user-c', ['eerst ', 'dan '], (i) => T0 + i * 1000);
		const restarted = openDatabase(database.path);
		try {
			typeAs(restarted.sqlite, name, 'user-c', ['later'], () => T0 + 1000 + GAP + 1);
			const entries = await listHistory(restarted.db, name);
			expect(entries.map((e) => e.to)).toEqual([new Date(T0 + 1000 + GAP + 1).toISOString(), new Date(T0 + 1000).toISOString()]);
			expect(bodyOf((await readVersion(restarted.db, name, Number(entries[1].versionId)))!)).toBe('eerst dan ');
		} finally {
			restarted.sqlite.close();
		}
	});

	it('writes the end into the row when the document is released', () => {
		const name = 'action:lazy-release';
		const docId = typeAs(database.opened.sqlite, name, 'user-d', ['a', 'b', 'c'], (i) => T0 + i * 1000);
		const store = collabStore(database.opened.sqlite);
		store.transaction(() => store.releaseHistory(docId));
		expect(sessionRow(docId)).toEqual({ ended_at: T0 + 2000, seq_to: 3 });
	});
});

describe('compaction while people type', () => {
	function snapshots(docId: number): number {
		return (database.opened.sqlite.prepare('SELECT count(*) AS n FROM collab_history WHERE doc_id = ? AND snapshot IS NOT NULL').get(docId) as { n: number }).n;
	}

	function compactNow(name: string, now: number, final = false) {
		const store = collabStore(database.opened.sqlite);
		const stored = store.read(name)!;
		const doc = new Y.Doc();
		for (const u of [stored.state, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
		const folded = store.transaction(() => store.replaceState(stored.id, Y.encodeStateAsUpdate(doc), stored.lastSeq, { now, gapMs: GAP, final }));
		doc.destroy();
		return folded;
	}

	it('writes no snapshot for sessions still going on, folds up to the earliest of their ends, and keeps every version', async () => {
		const name = 'action:busy-room';
		const authors = Array.from({ length: 30 }, (_, i) => `typist-${i}`);
		// an early session that finished long before the others
		const docId = typeAs(database.opened.sqlite, name, 'early', ['vooraf '], () => T0 - 10 * GAP);
		for (const [i, author] of authors.entries()) typeAs(database.opened.sqlite, name, author, [`w${i} `], () => T0 + i);
		const folded = compactNow(name, T0 + 1000);
		// only the finished session got a snapshot; the typists' updates from the first of them on stay
		expect(snapshots(docId)).toBe(1);
		expect(folded.seq).toBe(2);
		const entries = await listHistory(database.opened.db, name);
		expect(entries).toHaveLength(31);
		expect(entries.every((e) => e.restorable)).toBe(true);
		const last = entries.find((e) => e.to === new Date(T0 + 29).toISOString())!;
		expect(bodyOf((await readVersion(database.opened.db, name, Number(last.versionId)))!)).toContain('w29');
		const firstTypist = entries.find((e) => e.to === new Date(T0).toISOString())!;
		expect(bodyOf((await readVersion(database.opened.db, name, Number(firstTypist.versionId)))!)).toBe('vooraf w0 ');
	});

	it('snapshots each session once its author stopped, when its updates are folded', async () => {
		const name = 'action:quiet-room';
		const docId = typeAs(database.opened.sqlite, name, 'a', ['een '], () => T0);
		typeAs(database.opened.sqlite, name, 'b', ['twee '], () => T0 + 10);
		// both may still type: folded up to the end of the first, and no snapshot
		expect(compactNow(name, T0 + 100).seq).toBe(1);
		expect(snapshots(docId)).toBe(0);
		const folded = compactNow(name, T0 + 10 + GAP + 1);
		expect(folded.seq).toBe(2);
		expect(snapshots(docId)).toBe(2);
		const entries = await listHistory(database.opened.db, name);
		expect(await Promise.all(entries.map(async (e) => bodyOf((await readVersion(database.opened.db, name, Number(e.versionId)))!)))).toEqual([
			'een twee ',
			'een '
		]);
	});

	it('at unload folds a session still within the gap, so the next load reads one snapshot', async () => {
		const name = 'action:left-room';
		const docId = typeAs(database.opened.sqlite, name, 'c', ['drie ', 'vier '], (i) => T0 + i);
		const folded = compactNow(name, T0 + 100, true);
		expect(folded.seq).toBe(2);
		expect(collabStore(database.opened.sqlite).read(name)!.updates).toHaveLength(0);
		expect(snapshots(docId)).toBe(1);
		const [entry] = await listHistory(database.opened.db, name);
		expect(bodyOf((await readVersion(database.opened.db, name, Number(entry.versionId)))!)).toBe('drie vier ');
	});

	it('a session folded at unload that its author goes on with shows their later edits too', async () => {
		const name = 'action:back-room';
		typeAs(database.opened.sqlite, name, 'e', ['vijf '], () => T0);
		compactNow(name, T0 + 100, true);
		typeAs(database.opened.sqlite, name, 'e', ['zes '], () => T0 + 2000);
		const entries = await listHistory(database.opened.db, name);
		expect(entries).toHaveLength(1);
		expect(entries[0].to).toBe(new Date(T0 + 2000).toISOString());
		expect(bodyOf((await readVersion(database.opened.db, name, Number(entries[0].versionId)))!)).toBe('vijf zes ');
	});
	it('a document left while two sessions run loads from its head, not by replaying their updates', async () => {
		const name = 'action:two-running';
		typeAs(database.opened.sqlite, name, 'f', ['een '], () => T0);
		typeAs(database.opened.sqlite, name, 'g', ['twee ', 'drie '], () => T0 + 10);
		// within the gap both sessions may go on: the fold stops at the end of the first (seq 1)
		compactNow(name, T0 + 100);
		const stored = collabStore(database.opened.sqlite).read(name)!;
		expect({ updates: stored.updates.length, retained: stored.retained, body: bodyOf(stored.state!) }).toEqual({
			updates: 0,
			retained: 2,
			body: 'een twee drie '
		});
	});

	it('an edit after the head is read after it, and the history still has every session', async () => {
		const name = 'action:after-head';
		typeAs(database.opened.sqlite, name, 'h', ['een '], () => T0);
		typeAs(database.opened.sqlite, name, 'i', ['twee '], () => T0 + 10);
		compactNow(name, T0 + 100);
		typeAs(database.opened.sqlite, name, 'h', ['vier '], () => T0 + 200);
		const stored = collabStore(database.opened.sqlite).read(name)!;
		const doc = new Y.Doc();
		for (const u of [stored.state, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
		expect(doc.getText('body').toString()).toBe('een twee vier ');
		doc.destroy();
		const entries = await listHistory(database.opened.db, name);
		expect(entries.map((e) => e.to)).toEqual(expect.arrayContaining([new Date(T0 + 200).toISOString(), new Date(T0 + 10).toISOString()]));
	});

	it('the rows kept under the head are folded once the sessions have ended', async () => {
		const name = 'action:head-folded';
		typeAs(database.opened.sqlite, name, 'j', ['een '], () => T0);
		typeAs(database.opened.sqlite, name, 'k', ['twee '], () => T0 + 10);
		compactNow(name, T0 + 100);
		compactNow(name, T0 + GAP + 1000);
		const stored = collabStore(database.opened.sqlite).read(name)!;
		expect({ updates: stored.updates.length, retained: stored.retained, body: bodyOf(stored.state!) }).toEqual({
			updates: 0,
			retained: 0,
			body: 'een twee '
		});
	});
});

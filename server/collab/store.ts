import type BetterSqlite3 from 'better-sqlite3';
import * as Y from 'yjs';

/**
 * The persistence of collaborative documents (tables from
 * migrations/0004_collab_store.ts), on the raw better-sqlite3 handle: it is
 * synchronous, so the server commits between receiving an update and
 * broadcasting it without yielding to the event loop.
 *
 * A document is its snapshot (`collab_documents.state`, nullable) followed by
 * its updates in `seq` order. Compaction writes a new snapshot and deletes the
 * updates it folded in, in one transaction, so a crash at any point leaves
 * either the old or the new representation, both complete.
 *
 * The functions exported at the bottom work without a running server (seeding,
 * freezing plan versions). While a server is running, change documents through
 * it (`CollabServer.change`), never behind its back.
 */

export interface StoredDocument {
	id: number;
	state: Uint8Array | null;
	updates: Uint8Array[];
	/** highest stored seq, 0 when there are none */
	lastSeq: number;
}

export interface CollabStore {
	read(name: string): StoredDocument | null;
	/** the document's row id, creating the row when needed */
	ensureDocument(name: string): number;
	append(docId: number, seq: number, update: Uint8Array): void;
	/** Replaces the snapshot and deletes the updates up to `uptoSeq`. Call inside `transaction`. */
	replaceState(docId: number, state: Uint8Array, uptoSeq: number): void;
	transaction<T>(fn: () => T): T;
}

interface Statements {
	selectDoc: BetterSqlite3.Statement<[string], { id: number; state: Buffer | null }>;
	selectUpdates: BetterSqlite3.Statement<[number], { seq: number; data: Buffer }>;
	insertDoc: BetterSqlite3.Statement<[string]>;
	insertUpdate: BetterSqlite3.Statement<[number, number, Buffer]>;
	setState: BetterSqlite3.Statement<[Buffer, number, number]>;
	deleteUpdates: BetterSqlite3.Statement<[number, number]>;
}

const cache = new WeakMap<BetterSqlite3.Database, CollabStore>();

function toBuffer(data: Uint8Array): Buffer {
	return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** The store of a database handle; statements are prepared once per handle. */
export function collabStore(sqlite: BetterSqlite3.Database): CollabStore {
	const cached = cache.get(sqlite);
	if (cached) return cached;
	const s: Statements = {
		selectDoc: sqlite.prepare('SELECT id, state FROM collab_documents WHERE name = ?'),
		selectUpdates: sqlite.prepare('SELECT seq, data FROM collab_updates WHERE doc_id = ? ORDER BY seq'),
		insertDoc: sqlite.prepare('INSERT INTO collab_documents (name) VALUES (?)'),
		insertUpdate: sqlite.prepare('INSERT INTO collab_updates (doc_id, seq, data) VALUES (?, ?, ?)'),
		setState: sqlite.prepare('UPDATE collab_documents SET state = ?, compacted_at = ? WHERE id = ?'),
		deleteUpdates: sqlite.prepare('DELETE FROM collab_updates WHERE doc_id = ? AND seq <= ?')
	};
	const store: CollabStore = {
		read(name) {
			const row = s.selectDoc.get(name);
			if (!row) return null;
			const updates: Uint8Array[] = [];
			let lastSeq = 0;
			for (const u of s.selectUpdates.iterate(row.id)) {
				updates.push(u.data);
				lastSeq = u.seq;
			}
			return { id: row.id, state: row.state, updates, lastSeq };
		},
		ensureDocument(name) {
			const row = s.selectDoc.get(name);
			if (row) return row.id;
			return Number(s.insertDoc.run(name).lastInsertRowid);
		},
		append(docId, seq, update) {
			s.insertUpdate.run(docId, seq, toBuffer(update));
		},
		replaceState(docId, state, uptoSeq) {
			s.setState.run(toBuffer(state), Date.now(), docId);
			s.deleteUpdates.run(docId, uptoSeq);
		},
		transaction(fn) {
			return sqlite.transaction(fn)();
		}
	};
	cache.set(sqlite, store);
	return store;
}

/**
 * Builds a Y.Doc from what is stored. Applying everything inside one
 * transaction is several times faster than one transaction per update, and
 * far faster than Y.mergeUpdates over thousands of updates.
 */
export function docFromStored(stored: StoredDocument | null, options: { gc?: boolean } = {}): Y.Doc {
	const doc = new Y.Doc({ gc: options.gc ?? true });
	if (stored) {
		doc.transact(() => {
			if (stored.state) Y.applyUpdate(doc, stored.state);
			for (const update of stored.updates) Y.applyUpdate(doc, update);
		});
	}
	return doc;
}

/** The stored content of a document as one Yjs update, or null when nothing is stored. */
export function loadDocumentState(sqlite: BetterSqlite3.Database, name: string): Uint8Array | null {
	const stored = collabStore(sqlite).read(name);
	if (!stored || (!stored.state && stored.updates.length === 0)) return null;
	if (stored.state && stored.updates.length === 0) return new Uint8Array(stored.state);
	const doc = docFromStored(stored);
	try {
		return Y.encodeStateAsUpdate(doc);
	} finally {
		doc.destroy();
	}
}

/**
 * Stores `update` as the initial content of a document that has nothing
 * stored yet (demo data, a new document built on the server). Returns false,
 * and changes nothing, when the document already has content. Throws when
 * `update` is not a valid Yjs update.
 */
export function writeInitialState(sqlite: BetterSqlite3.Database, name: string, update: Uint8Array): boolean {
	const doc = new Y.Doc();
	let state: Uint8Array;
	try {
		Y.applyUpdate(doc, update);
		state = Y.encodeStateAsUpdate(doc);
	} finally {
		doc.destroy();
	}
	const store = collabStore(sqlite);
	return store.transaction(() => {
		const existing = store.read(name);
		if (existing && (existing.state || existing.updates.length > 0)) return false;
		const id = existing?.id ?? store.ensureDocument(name);
		store.replaceState(id, state, 0);
		return true;
	});
}

/**
 * Folds a document's stored updates into its snapshot. For maintenance without
 * a running server; the server compacts loaded documents itself.
 */
export function compactDocument(sqlite: BetterSqlite3.Database, name: string): boolean {
	const store = collabStore(sqlite);
	return store.transaction(() => {
		const stored = store.read(name);
		if (!stored || stored.updates.length === 0) return false;
		const doc = docFromStored(stored);
		try {
			store.replaceState(stored.id, Y.encodeStateAsUpdate(doc), stored.lastSeq);
		} finally {
			doc.destroy();
		}
		return true;
	});
}

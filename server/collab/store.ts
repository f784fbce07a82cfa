import type BetterSqlite3 from 'better-sqlite3';
import * as Y from 'yjs';
import { packSnapshot, SNAPSHOT_RAW } from '../../src/lib/server/history-snapshot.ts';
import { sessionTails } from '../../src/lib/server/history-tail.ts';
import { q, sqliteRunner, type Program } from './store-sql.ts';

/**
 * The persistence of collaborative documents (tables from
 * migrations/0004_collab_store.ts). The logic is written once, as programs
 * that yield their queries (store-sql.ts): `collabStore(sqlite)` runs them
 * synchronously on the raw better-sqlite3 handle, so the server commits
 * between receiving an update and broadcasting it without yielding to the
 * event loop; document-store.ts runs the same programs on PostgreSQL.
 *
 * A document is its snapshot (`collab_documents.state`, nullable) followed by
 * its updates in `seq` order. Compaction writes a new snapshot and deletes the
 * updates it folded in, in one transaction, so a crash at any point leaves
 * either the old or the new representation, both complete.
 *
 * History (migration 0022): every appended update carries its authors and
 * time, and extends its authors' editing sessions in collab_history (a new
 * session after a gap of `gapMs`, or when asked, as a restore does). A new
 * session's row is inserted in the same transaction as its first update, so
 * its id (the version id) exists at once; extending a running session only
 * moves its end, which the update rows already record — so the row's
 * `ended_at`/`seq_to` are written lazily (`releaseHistory`, before
 * compaction, when the author's next session starts, or every
 * SESSION_WRITE_EVERY updates), not per update: an update commits one small
 * row and nothing else. Until then, and after a crash, the latest session of
 * an author ends at that author's last update after the row's `seq_to`
 * (`sessionTails`; readers in src/lib/server/history.ts do the same). Before
 * compaction deletes updates, every session ending in them gets a snapshot
 * of the document as it stood then, and older snapshots are thinned
 * (`thinSnapshots`), so the history survives compaction bounded in size. See
 * docs/collab.md, "History".
 *
 * The functions exported at the bottom work without a running server (seeding,
 * freezing plan versions). While a server is running, change documents through
 * it (`CollabServer.change`), never behind its back.
 */

export interface StoredDocument {
	id: number;
	/** the document up to the updates: the head (see `read`) or the snapshot */
	state: Uint8Array | null;
	updates: Uint8Array[];
	/** highest stored seq, 0 when there are none */
	lastSeq: number;
	/** rows kept for the history that `state` already holds (the head's lead over the snapshot): still to be folded */
	retained: number;
}

/** Who made an update and when; `authors` empty for a change of the server itself. */
export interface UpdateOrigin {
	authors: readonly string[];
	at: number;
	/** authors whose running session ends here: this update starts a new one (a restore) */
	newSession?: ReadonlySet<string>;
}

export interface CollabStore {
	read(name: string): StoredDocument | null;
	/** the document's row id, creating the row when needed */
	ensureDocument(name: string): number;
	/**
	 * Appends an update and, with `origin`, records it in its authors' editing
	 * sessions (a session of no author for a change of the server). Call inside
	 * `transaction`, with the gap that ends a session.
	 */
	append(docId: number, seq: number, update: Uint8Array, origin?: UpdateOrigin, gapMs?: number): void;
	/**
	 * Replaces the snapshot and deletes the updates up to `uptoSeq`, first
	 * giving every history session that ends in them a snapshot of its own.
	 * When running sessions keep updates from being folded, `state` is kept
	 * as the document's head, so the next load reads it instead of replaying
	 * them. Call inside `transaction`.
	 */
	replaceState(docId: number, state: Uint8Array, uptoSeq: number, options?: ReplaceOptions): Folded;
	/**
	 * Writes the running sessions' ends of a document and forgets them (when
	 * the document is unloaded). Call inside `transaction`.
	 */
	releaseHistory(docId: number): void;
	/** every write of a flush, in order; returns each write's document id. Call inside `transaction`. */
	appendAll(writes: readonly AppendWrite[], gapMs?: number): number[];
	transaction<T>(fn: () => T): T;
}

/**
 * What a compaction folded: up to `seq` (the new `state_seq`), into a
 * snapshot of `bytes`. Less than asked while an author may still extend a
 * session (see `replaceState`).
 */
export interface Folded {
	seq: number;
	/** null: nothing could be folded */
	bytes: number | null;
}

export interface ReplaceOptions {
	now?: number;
	/** the gap that ends a session */
	gapMs?: number;
	/**
	 * The document is unloading (nobody has it open): sessions still within the
	 * gap get their snapshots now, so the next load reads one snapshot instead
	 * of replaying every update — when that costs at most FINAL_FREEZE_BYTES of
	 * encoding. An author who comes back within the gap extends the session,
	 * which drops its snapshot again (extendSession; readers see the tail).
	 */
	final?: boolean;
}

/** at unload, running sessions are frozen when (sessions × snapshot size) stays under this: about 2–3 ms of encoding here */
export const FINAL_FREEZE_BYTES = 1024 * 1024;

/** A running session is written at least every this many of its updates (bounds what a reader or a restart re-derives). */
export const SESSION_WRITE_EVERY = 512;


/** Default gap between edits that closes an editing session: 5 minutes. */
export const DEFAULT_SESSION_GAP_MS = 5 * 60 * 1000;

/**
 * Bounds on kept snapshots per document: the newest `recent` all, older ones
 * at most one per week, `max` in total. A session whose snapshot was thinned
 * stays in the list (who and when) but can no longer be opened.
 */
export const SNAPSHOT_LIMITS = { recent: 50, max: 120, weekMs: 7 * 24 * 60 * 60 * 1000 };

/** An author's latest session of a document; `unwritten`: updates it gained since its row was written. */
interface RunningSession {
	id: number;
	endedAt: number;
	seqTo: number;
	unwritten: number;
}

/** One write of a flush: the update that follows `seq - 1` of the document (its row created when `docId` is null). */
export interface AppendWrite {
	name: string;
	docId: number | null;
	seq: number;
	update: Uint8Array;
	origin?: UpdateOrigin;
}

/**
 * The store's logic as programs (store-sql.ts), for either dialect. It keeps
 * the running sessions of the documents it wrote to; `forget` drops them
 * after a rolled-back transaction, whose writes to them are gone from disk.
 */
export interface StoreLogic {
	read(name: string): Program<StoredDocument | null>;
	ensureDocument(name: string): Program<number>;
	append(docId: number, seq: number, update: Uint8Array, origin?: UpdateOrigin, gapMs?: number): Program<void>;
	/** every write of a flush; returns each write's document id */
	appendAll(writes: readonly AppendWrite[], gapMs?: number): Program<number[]>;
	replaceState(docId: number, state: Uint8Array, uptoSeq: number, options?: ReplaceOptions): Program<Folded>;
	releaseHistory(docId: number): Program<void>;
	forget(): void;
}

export function createStoreLogic(): StoreLogic {
	/** Running sessions per document and author, as far as they reach beyond their rows. */
	const running = new Map<number, Map<string | null, RunningSession | null>>();

	function* runningSession(docId: number, userId: string | null): Program<RunningSession | null> {
		let ofDoc = running.get(docId);
		if (!ofDoc) running.set(docId, (ofDoc = new Map()));
		const known = ofDoc.get(userId);
		if (known !== undefined) return known;
		const row = yield* q('lastSession', docId, userId);
		let session: RunningSession | null = null;
		if (row) {
			session = { id: row.id, endedAt: row.ended_at, seqTo: row.seq_to, unwritten: 0 };
			// after a restart the row may end before the author's last updates (written lazily)
			const after = yield* q('updateAuthorsAfter', docId, row.seq_to, docId);
			const tail = sessionTails(after, new Map([[userId, row.seq_to]])).get(userId);
			if (tail) Object.assign(session, { endedAt: tail.at, seqTo: tail.seq, unwritten: 1 });
		}
		ofDoc.set(userId, session);
		return session;
	}

	function* writeSession(session: RunningSession): Program<void> {
		if (session.unwritten === 0) return;
		yield* q('extendSession', session.endedAt, session.seqTo, session.id);
		session.unwritten = 0;
	}

	function* writeSessions(docId: number): Program<void> {
		for (const session of running.get(docId)?.values() ?? []) if (session) yield* writeSession(session);
	}

	function* recordSession(docId: number, seq: number, userId: string | null, origin: UpdateOrigin, gapMs: number): Program<void> {
		const last = yield* runningSession(docId, userId);
		const fresh = userId !== null && origin.newSession?.has(userId);
		if (last && !fresh && origin.at - last.endedAt <= gapMs) {
			last.endedAt = origin.at;
			last.seqTo = seq;
			if (++last.unwritten >= SESSION_WRITE_EVERY) yield* writeSession(last);
			return;
		}
		if (last) yield* writeSession(last);
		const id = yield* q('insertSession', docId, userId, origin.at, origin.at, seq, seq);
		running.get(docId)!.set(userId, { id, endedAt: origin.at, seqTo: seq, unwritten: 0 });
	}

	/**
	 * Each author's latest session with its true end written to its row (after a
	 * restart the row may lag behind the update rows, see sessionTails).
	 */
	function* settledSessions(docId: number): Program<Array<{ id: number; userId: string | null; endedAt: number; seqTo: number }>> {
		yield* writeSessions(docId);
		const latest = (yield* q('latestSessions', docId)).map((r) => ({ id: r.id, userId: r.user_id, endedAt: r.ended_at, seqTo: r.seq_to }));
		if (latest.length === 0) return latest;
		const from = Math.min(...latest.map((r) => r.seqTo));
		const after = yield* q('updateAuthorsAfter', docId, from, docId);
		const tails = sessionTails(after, new Map(latest.map((r) => [r.userId, r.seqTo])));
		for (const r of latest) {
			const tail = tails.get(r.userId);
			if (!tail) continue;
			Object.assign(r, { endedAt: tail.at, seqTo: tail.seq });
			yield* q('extendSession', tail.at, tail.seq, r.id);
			const known = running.get(docId)?.get(r.userId);
			if (known && known.id === r.id) Object.assign(known, { endedAt: tail.at, seqTo: tail.seq, unwritten: 0 });
		}
		return latest;
	}

	/** The document as it stood after update `seq`, from its snapshot and updates. */
	function* stateAt(docId: number, seq: number): Program<Uint8Array> {
		const doc = yield* q('selectDocById', docId);
		const updates = yield* q('selectUpdatesUpTo', docId, docId, seq);
		const ydoc = new Y.Doc();
		try {
			ydoc.transact(() => {
				if (doc?.state) Y.applyUpdate(ydoc, doc.state);
				for (const u of updates) Y.applyUpdate(ydoc, u.data);
			});
			return Y.encodeStateAsUpdate(ydoc);
		} finally {
			ydoc.destroy();
		}
	}

	/**
	 * Snapshots for the finished sessions that end in the updates about to be
	 * folded (seq up to `uptoSeq`); `running`: ids of sessions whose author may
	 * still extend them, which need none (see replaceState).
	 */
	function* freezeSessions(docId: number, uptoSeq: number, runningIds: ReadonlySet<number>): Program<void> {
		const doc = yield* q('selectDocById', docId);
		if (!doc) return;
		const due = (yield* q('sessionsToFreeze', docId, doc.state_seq, uptoSeq)).filter((d) => !runningIds.has(d.id));
		if (due.length === 0) return;
		const updates = yield* q('selectUpdatesUpTo', docId, docId, uptoSeq);
		const ydoc = new Y.Doc();
		try {
			if (doc.state) Y.applyUpdate(ydoc, doc.state);
			let i = 0;
			for (const session of due) {
				ydoc.transact(() => {
					for (; i < updates.length && updates[i].seq <= session.seq_to; i++) Y.applyUpdate(ydoc, updates[i].data);
				});
				const packed = packSnapshot(Y.encodeStateAsUpdate(ydoc));
				yield* q('setSnapshot', packed.data, packed.format, session.id);
			}
		} finally {
			ydoc.destroy();
		}
		yield* thinSnapshots(docId);
	}

	function* thinSnapshots(docId: number): Program<void> {
		const kept = yield* q('snapshotsOf', docId);
		if (kept.length <= SNAPSHOT_LIMITS.recent) return;
		const weeks = new Set<number>();
		let count = 0;
		for (const [i, snap] of kept.entries()) {
			const week = Math.floor(snap.ended_at / SNAPSHOT_LIMITS.weekMs);
			const keep = i < SNAPSHOT_LIMITS.recent || (!weeks.has(week) && count < SNAPSHOT_LIMITS.max);
			if (i >= SNAPSHOT_LIMITS.recent) weeks.add(week);
			if (keep) count++;
			else yield* q('setSnapshot', null, SNAPSHOT_RAW, snap.id);
		}
	}

	function* ensureDocument(name: string): Program<number> {
		const row = yield* q('selectDoc', name);
		if (row) return row.id;
		const id = yield* q('insertDoc', name);
		running.delete(id); // a row id can be reused after a delete
		return id;
	}

	function* append(docId: number, seq: number, update: Uint8Array, origin?: UpdateOrigin, gapMs = DEFAULT_SESSION_GAP_MS): Program<void> {
		// sessions first: a session read from its row must not count this update as its tail
		if (origin?.authors.length === 0) yield* recordSession(docId, seq, null, origin, gapMs);
		for (const author of origin?.authors ?? []) yield* recordSession(docId, seq, author, origin!, gapMs);
		const authors = origin?.authors.length ? origin.authors.join(' ') : null;
		yield* q('insertUpdate', docId, seq, update, origin?.at ?? null, authors);
	}

	return {
		*read(name) {
			const row = yield* q('selectDoc', name);
			if (!row) return null;
			// The head (the whole document at head_seq, written by a compaction that had to keep
			// updates for running sessions) holds every update up to head_seq: read it and the
			// updates after it. The rows in between stay for the history until they are folded.
			const head = row.head_state !== null && row.head_seq > row.state_seq;
			const from = head ? row.head_seq : row.state_seq;
			const rows = yield* q('selectUpdatesAfter', row.id, from, row.id);
			// seqs go on after compaction, so history sessions keep pointing at the right updates
			const updates = rows.map((u) => u.data);
			const lastSeq = rows.length > 0 ? rows[rows.length - 1].seq : from;
			// seqs are consecutive and only a fold deletes them, so the rows in between are exactly these
			const retained = head ? row.head_seq - row.state_seq : 0;
			return { id: row.id, state: head ? row.head_state : row.state, updates, lastSeq, retained };
		},
		ensureDocument,
		append,
		*appendAll(writes, gapMs) {
			const ids: number[] = [];
			for (const w of writes) {
				const docId = w.docId ?? (yield* ensureDocument(w.name));
				yield* append(docId, w.seq, w.update, w.origin, gapMs);
				ids.push(docId);
			}
			return ids;
		},
		*replaceState(docId, state, uptoSeq, options = {}) {
			const now = options.now ?? Date.now();
			const gapMs = options.gapMs ?? DEFAULT_SESSION_GAP_MS;
			const row = yield* q('selectDocById', docId);
			const current = row?.state_seq ?? 0;
			// A session whose author may still type on (last edit within the gap) needs no
			// snapshot yet — it would be stale with their next edit — if the updates from
			// its end on stay: fold only up to the earliest such end. Every session so gets
			// one snapshot, when its updates are folded after it finished, and compaction
			// with many people typing costs one replay instead of one per person.
			let runningNow = (yield* settledSessions(docId)).filter((r) => now - r.endedAt <= gapMs && r.seqTo > current);
			if (options.final && runningNow.length * state.byteLength <= FINAL_FREEZE_BYTES) runningNow = [];
			let upto = uptoSeq;
			for (const r of runningNow) upto = Math.min(upto, r.seqTo);
			const partial = upto < uptoSeq;
			// what cannot be folded yet is still read in one piece: `state` becomes the head
			if (partial && uptoSeq > (row?.head_seq ?? 0)) yield* q('setHead', state, uptoSeq, docId);
			if (partial && upto <= current) return { seq: current, bytes: null };
			const folded = partial ? yield* stateAt(docId, upto) : state;
			yield* freezeSessions(docId, upto, new Set(runningNow.map((r) => r.id)));
			yield* q('setState', folded, now, upto, docId);
			yield* q('deleteUpdates', docId, docId, upto);
			if (!partial) yield* q('setHead', null, upto, docId);
			return { seq: upto, bytes: folded.byteLength };
		},
		*releaseHistory(docId) {
			yield* writeSessions(docId);
			running.delete(docId);
		},
		forget() {
			running.clear();
		}
	};
}

const cache = new WeakMap<BetterSqlite3.Database, CollabStore>();

/** The store of a database handle; statements are prepared once per handle. */
export function collabStore(sqlite: BetterSqlite3.Database): CollabStore {
	const cached = cache.get(sqlite);
	if (cached) return cached;
	const run = sqliteRunner(sqlite);
	const logic = createStoreLogic();
	const store: CollabStore = {
		read: (name) => run(logic.read(name)),
		ensureDocument: (name) => run(logic.ensureDocument(name)),
		append: (docId, seq, update, origin, gapMs) => run(logic.append(docId, seq, update, origin, gapMs)),
		appendAll: (writes, gapMs) => run(logic.appendAll(writes, gapMs)),
		replaceState: (docId, state, uptoSeq, options) => run(logic.replaceState(docId, state, uptoSeq, options)),
		releaseHistory: (docId) => run(logic.releaseHistory(docId)),
		transaction(fn) {
			try {
				return sqlite.transaction(fn)();
			} catch (err) {
				logic.forget();
				throw err;
			}
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
		if (!stored || stored.updates.length + stored.retained === 0) return false;
		const doc = docFromStored(stored);
		try {
			store.replaceState(stored.id, Y.encodeStateAsUpdate(doc), stored.lastSeq);
		} finally {
			doc.destroy();
		}
		return true;
	});
}

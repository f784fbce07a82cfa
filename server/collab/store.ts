import type BetterSqlite3 from 'better-sqlite3';
import * as Y from 'yjs';
import { packSnapshot, SNAPSHOT_RAW } from '../../src/lib/server/history-snapshot.ts';
import { sessionTails } from '../../src/lib/server/history-tail.ts';

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

interface DocSeq {
	doc: number;
	seq: number;
}

interface Statements {
	selectDoc: BetterSqlite3.Statement<[string], { id: number; state: Buffer | null; state_seq: number; head_state: Buffer | null; head_seq: number }>;
	selectDocById: BetterSqlite3.Statement<[number], { state: Buffer | null; state_seq: number; head_seq: number }>;
	selectUpdatesAfter: BetterSqlite3.Statement<[DocSeq], { seq: number; data: Buffer }>;
	selectUpdatesUpTo: BetterSqlite3.Statement<[DocSeq], { seq: number; data: Buffer }>;
	insertDoc: BetterSqlite3.Statement<[string]>;
	insertUpdate: BetterSqlite3.Statement<[DocSeq & { data: Buffer; at: number | null; authors: string | null }]>;
	setState: BetterSqlite3.Statement<[Buffer, number, number, number]>;
	setHead: BetterSqlite3.Statement<[Buffer | null, number, number]>;
	deleteUpdates: BetterSqlite3.Statement<[DocSeq]>;
	lastSession: BetterSqlite3.Statement<[number, string | null], { id: number; ended_at: number; seq_to: number }>;
	updateAuthorsAfter: BetterSqlite3.Statement<[DocSeq], { seq: number; created_at: number | null; author_ids: string | null }>;
	extendSession: BetterSqlite3.Statement<[number, number, number]>;
	insertSession: BetterSqlite3.Statement<[number, string | null, number, number, number, number]>;
	sessionsToFreeze: BetterSqlite3.Statement<[number, number, number], { id: number; seq_to: number }>;
	setSnapshot: BetterSqlite3.Statement<[Buffer | null, number, number]>;
	snapshotsOf: BetterSqlite3.Statement<[number], { id: number; ended_at: number }>;
	latestSessions: BetterSqlite3.Statement<[number], { id: number; user_id: string | null; ended_at: number; seq_to: number }>;
}

/** An author's latest session of a document; `unwritten`: updates it gained since its row was written. */
interface RunningSession {
	id: number;
	endedAt: number;
	seqTo: number;
	unwritten: number;
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
		selectDoc: sqlite.prepare('SELECT id, state, state_seq, head_state, head_seq FROM collab_documents WHERE name = ?'),
		selectDocById: sqlite.prepare('SELECT state, state_seq, head_seq FROM collab_documents WHERE id = ?'),
		// a document's updates are the key range doc << 32 … (doc + 1) << 32 (migration 0031); seqs start at 1
		selectUpdatesAfter: sqlite.prepare('SELECT seq, data FROM collab_updates WHERE id > (@doc << 32) + @seq AND id < ((@doc + 1) << 32) ORDER BY id'),
		selectUpdatesUpTo: sqlite.prepare('SELECT seq, data FROM collab_updates WHERE id > (@doc << 32) AND id <= (@doc << 32) + @seq ORDER BY id'),
		insertDoc: sqlite.prepare('INSERT INTO collab_documents (name) VALUES (?)'),
		insertUpdate: sqlite.prepare('INSERT INTO collab_updates (id, data, created_at, author_ids) VALUES ((@doc << 32) + @seq, @data, @at, @authors)'),
		setState: sqlite.prepare('UPDATE collab_documents SET state = ?, compacted_at = ?, state_seq = max(state_seq, ?) WHERE id = ?'),
		setHead: sqlite.prepare('UPDATE collab_documents SET head_state = ?, head_seq = ? WHERE id = ?'),
		deleteUpdates: sqlite.prepare('DELETE FROM collab_updates WHERE id > (@doc << 32) AND id <= (@doc << 32) + @seq'),
		// an author's sessions follow each other, so the latest has the highest id
		lastSession: sqlite.prepare('SELECT id, ended_at, seq_to FROM collab_history WHERE doc_id = ? AND user_id IS ? ORDER BY id DESC LIMIT 1'),
		updateAuthorsAfter: sqlite.prepare(
			'SELECT seq, created_at, author_ids FROM collab_updates WHERE id > (@doc << 32) + @seq AND id < ((@doc + 1) << 32) ORDER BY id'
		),
		// a session that grows past a snapshot it had is again covered by the stored updates
		extendSession: sqlite.prepare('UPDATE collab_history SET ended_at = ?, seq_to = ?, snapshot = NULL, snapshot_format = 0 WHERE id = ?'),
		insertSession: sqlite.prepare(
			'INSERT INTO collab_history (doc_id, user_id, started_at, ended_at, seq_from, seq_to) VALUES (?, ?, ?, ?, ?, ?)'
		),
		sessionsToFreeze: sqlite.prepare(
			'SELECT id, seq_to FROM collab_history WHERE doc_id = ? AND snapshot IS NULL AND seq_to >= ? AND seq_to <= ? ORDER BY seq_to'
		),
		setSnapshot: sqlite.prepare('UPDATE collab_history SET snapshot = ?, snapshot_format = ? WHERE id = ?'),
		latestSessions: sqlite.prepare(
			'SELECT h.id, h.user_id, h.ended_at, h.seq_to FROM collab_history h WHERE h.doc_id = ? AND h.id = (SELECT max(id) FROM collab_history WHERE doc_id = h.doc_id AND user_id IS h.user_id)'
		),
		snapshotsOf: sqlite.prepare('SELECT id, ended_at FROM collab_history WHERE doc_id = ? AND snapshot IS NOT NULL ORDER BY ended_at DESC, id DESC')
	};

	/** Running sessions per document and author, as far as they reach beyond their rows. */
	const running = new Map<number, Map<string | null, RunningSession | null>>();

	function runningSession(docId: number, userId: string | null): RunningSession | null {
		let ofDoc = running.get(docId);
		if (!ofDoc) running.set(docId, (ofDoc = new Map()));
		const known = ofDoc.get(userId);
		if (known !== undefined) return known;
		const row = s.lastSession.get(docId, userId);
		let session: RunningSession | null = null;
		if (row) {
			session = { id: row.id, endedAt: row.ended_at, seqTo: row.seq_to, unwritten: 0 };
			// after a restart the row may end before the author's last updates (written lazily)
			const tail = sessionTails(s.updateAuthorsAfter.iterate({ doc: docId, seq: row.seq_to }), new Map([[userId, row.seq_to]])).get(userId);
			if (tail) Object.assign(session, { endedAt: tail.at, seqTo: tail.seq, unwritten: 1 });
		}
		ofDoc.set(userId, session);
		return session;
	}

	function writeSession(session: RunningSession): void {
		if (session.unwritten === 0) return;
		s.extendSession.run(session.endedAt, session.seqTo, session.id);
		session.unwritten = 0;
	}

	function writeSessions(docId: number): void {
		for (const session of running.get(docId)?.values() ?? []) if (session) writeSession(session);
	}

	function recordSession(docId: number, seq: number, userId: string | null, origin: UpdateOrigin, gapMs: number): void {
		const last = runningSession(docId, userId);
		const fresh = userId !== null && origin.newSession?.has(userId);
		if (last && !fresh && origin.at - last.endedAt <= gapMs) {
			last.endedAt = origin.at;
			last.seqTo = seq;
			if (++last.unwritten >= SESSION_WRITE_EVERY) writeSession(last);
			return;
		}
		if (last) writeSession(last);
		const id = Number(s.insertSession.run(docId, userId, origin.at, origin.at, seq, seq).lastInsertRowid);
		running.get(docId)!.set(userId, { id, endedAt: origin.at, seqTo: seq, unwritten: 0 });
	}

	/**
	 * Each author's latest session with its true end written to its row (after a
	 * restart the row may lag behind the update rows, see sessionTails).
	 */
	function settledSessions(docId: number): Array<{ id: number; userId: string | null; endedAt: number; seqTo: number }> {
		writeSessions(docId);
		const latest = s.latestSessions.all(docId).map((r) => ({ id: r.id, userId: r.user_id, endedAt: r.ended_at, seqTo: r.seq_to }));
		if (latest.length === 0) return latest;
		const from = Math.min(...latest.map((r) => r.seqTo));
		const tails = sessionTails(s.updateAuthorsAfter.all({ doc: docId, seq: from }), new Map(latest.map((r) => [r.userId, r.seqTo])));
		for (const r of latest) {
			const tail = tails.get(r.userId);
			if (!tail) continue;
			Object.assign(r, { endedAt: tail.at, seqTo: tail.seq });
			s.extendSession.run(tail.at, tail.seq, r.id);
			const known = running.get(docId)?.get(r.userId);
			if (known && known.id === r.id) Object.assign(known, { endedAt: tail.at, seqTo: tail.seq, unwritten: 0 });
		}
		return latest;
	}

	/** The document as it stood after update `seq`, from its snapshot and updates. */
	function stateAt(docId: number, seq: number): Uint8Array {
		const doc = s.selectDocById.get(docId);
		const ydoc = new Y.Doc();
		try {
			ydoc.transact(() => {
				if (doc?.state) Y.applyUpdate(ydoc, doc.state);
				for (const u of s.selectUpdatesUpTo.all({ doc: docId, seq })) Y.applyUpdate(ydoc, u.data);
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
	function freezeSessions(docId: number, uptoSeq: number, runningIds: ReadonlySet<number>): void {
		const doc = s.selectDocById.get(docId);
		if (!doc) return;
		const due = s.sessionsToFreeze.all(docId, doc.state_seq, uptoSeq).filter((d) => !runningIds.has(d.id));
		if (due.length === 0) return;
		const ydoc = new Y.Doc();
		try {
			if (doc.state) Y.applyUpdate(ydoc, doc.state);
			// all(), not iterate(): the connection cannot write while a statement iterates
			const updates = s.selectUpdatesUpTo.all({ doc: docId, seq: uptoSeq });
			let i = 0;
			for (const session of due) {
				ydoc.transact(() => {
					for (; i < updates.length && updates[i].seq <= session.seq_to; i++) Y.applyUpdate(ydoc, updates[i].data);
				});
				const packed = packSnapshot(Y.encodeStateAsUpdate(ydoc));
				s.setSnapshot.run(packed.data, packed.format, session.id);
			}
		} finally {
			ydoc.destroy();
		}
		thinSnapshots(docId);
	}

	function thinSnapshots(docId: number): void {
		const kept = s.snapshotsOf.all(docId);
		if (kept.length <= SNAPSHOT_LIMITS.recent) return;
		const weeks = new Set<number>();
		let count = 0;
		for (const [i, snap] of kept.entries()) {
			const week = Math.floor(snap.ended_at / SNAPSHOT_LIMITS.weekMs);
			const keep = i < SNAPSHOT_LIMITS.recent || (!weeks.has(week) && count < SNAPSHOT_LIMITS.max);
			if (i >= SNAPSHOT_LIMITS.recent) weeks.add(week);
			if (keep) count++;
			else s.setSnapshot.run(null, SNAPSHOT_RAW, snap.id);
		}
	}

	const store: CollabStore = {
		read(name) {
			const row = s.selectDoc.get(name);
			if (!row) return null;
			// The head (the whole document at head_seq, written by a compaction that had to keep
			// updates for running sessions) holds every update up to head_seq: read it and the
			// updates after it. The rows in between stay for the history until they are folded.
			const head = row.head_state !== null && row.head_seq > row.state_seq;
			const from = head ? row.head_seq : row.state_seq;
			const updates: Uint8Array[] = [];
			// seqs go on after compaction, so history sessions keep pointing at the right updates
			let lastSeq = from;
			for (const u of s.selectUpdatesAfter.iterate({ doc: row.id, seq: from })) {
				updates.push(u.data);
				lastSeq = u.seq;
			}
			// seqs are consecutive and only a fold deletes them, so the rows in between are exactly these
			const retained = head ? row.head_seq - row.state_seq : 0;
			return { id: row.id, state: head ? row.head_state : row.state, updates, lastSeq, retained };
		},
		ensureDocument(name) {
			const row = s.selectDoc.get(name);
			if (row) return row.id;
			const id = Number(s.insertDoc.run(name).lastInsertRowid);
			running.delete(id); // a row id can be reused after a delete
			return id;
		},
		append(docId, seq, update, origin, gapMs = DEFAULT_SESSION_GAP_MS) {
			// sessions first: a session read from its row must not count this update as its tail
			if (origin?.authors.length === 0) recordSession(docId, seq, null, origin, gapMs);
			for (const author of origin?.authors ?? []) recordSession(docId, seq, author, origin!, gapMs);
			s.insertUpdate.run({
				doc: docId,
				seq,
				data: toBuffer(update),
				at: origin?.at ?? null,
				authors: origin?.authors.length ? origin.authors.join(' ') : null
			});
		},
		replaceState(docId, state, uptoSeq, options = {}) {
			const now = options.now ?? Date.now();
			const gapMs = options.gapMs ?? DEFAULT_SESSION_GAP_MS;
			const row = s.selectDocById.get(docId);
			const current = row?.state_seq ?? 0;
			// A session whose author may still type on (last edit within the gap) needs no
			// snapshot yet — it would be stale with their next edit — if the updates from
			// its end on stay: fold only up to the earliest such end. Every session so gets
			// one snapshot, when its updates are folded after it finished, and compaction
			// with many people typing costs one replay instead of one per person.
			let running = settledSessions(docId).filter((r) => now - r.endedAt <= gapMs && r.seqTo > current);
			if (options.final && running.length * state.byteLength <= FINAL_FREEZE_BYTES) running = [];
			let upto = uptoSeq;
			for (const r of running) upto = Math.min(upto, r.seqTo);
			const partial = upto < uptoSeq;
			// what cannot be folded yet is still read in one piece: `state` becomes the head
			if (partial && uptoSeq > (row?.head_seq ?? 0)) s.setHead.run(toBuffer(state), uptoSeq, docId);
			if (partial && upto <= current) return { seq: current, bytes: null };
			const folded = partial ? stateAt(docId, upto) : state;
			freezeSessions(docId, upto, new Set(running.map((r) => r.id)));
			s.setState.run(toBuffer(folded), now, upto, docId);
			s.deleteUpdates.run({ doc: docId, seq: upto });
			if (!partial) s.setHead.run(null, upto, docId);
			return { seq: upto, bytes: folded.byteLength };
		},
		releaseHistory(docId) {
			writeSessions(docId);
			running.delete(docId);
		},
		transaction(fn) {
			try {
				return sqlite.transaction(fn)();
			} catch (err) {
				// what the rolled-back transaction did to the running sessions is gone from disk: re-read them
				running.clear();
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

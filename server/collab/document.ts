import * as Y from 'yjs';
import type { DocResource } from '../../src/lib/server/access.ts';
import type { Conn } from './connection.ts';
import { encodeAwareness, type AwarenessEntry } from './protocol.ts';
import type { CollabSettings } from './settings.ts';
import { andThen, type DocumentStore, type Maybe } from './document-store.ts';
import { docFromStored, type StoredDocument } from './store.ts';
import { MAX_NESTING, updateNestingDepth } from './update-depth.ts';
import { asBuffer, errorText } from './util.ts';

/**
 * A loaded document: its Y.Doc, its connections, what waits for the next
 * flush (client updates, emitted updates, acknowledgements, sync requests,
 * awareness changes), and its persistence bookkeeping (row id, last seq,
 * how much is stored since the snapshot, for compaction).
 */

export interface AwarenessState {
	clock: number;
	json: string;
}

export interface LoadedDoc {
	name: string;
	resource: DocResource;
	ydoc: Y.Doc;
	docId: number | null;
	lastSeq: number;
	/** rows in collab_updates since the snapshot */
	storedUpdates: number;
	/** bytes of those rows, and of the snapshot: compaction rewrites the snapshot, so it waits until the rows weigh as much */
	storedBytes: number;
	snapshotBytes: number;
	/** lastSeq when a compaction could fold less than asked (people still typing): the next waits for as many updates again */
	compactHeldAt: number;
	conns: Set<Conn>;
	/** validated client updates waiting for this turn's flush */
	incoming: Array<{ conn: Conn; update: Uint8Array }>;
	/** updates Yjs emitted and not yet committed */
	emitted: Uint8Array[];
	senders: Set<Conn>;
	/** user ids whose updates wait for this turn's flush, for the history; none for a change of the server itself */
	authors: Set<string>;
	/** authors whose update this turn starts a new history session (a restore) */
	newSessionFor: Set<string>;
	serverChanged: boolean;
	acks: Set<Conn>;
	syncRequests: Array<{ conn: Conn; stateVector: Uint8Array }>;
	waiters: Array<{ resolve: () => void; reject: (err: Error) => void }>;
	awarenessStates: Map<number, AwarenessState>;
	awarenessOwners: Map<number, Conn>;
	/** last clock seen per client id, kept after removal so stale echoes stay out */
	awarenessClocks: Map<number, number>;
	awarenessOut: Map<number, AwarenessEntry>;
	dirty: boolean;
	/** an update of this document is being committed (PostgreSQL commits asynchronously) */
	committing: boolean;
	/** performance.now() before which the next flush of this document waits (pacing) */
	holdUntil: number;
	holdTimer: NodeJS.Timeout | null;
	failed: boolean;
	unloadTimer: NodeJS.Timeout | null;
	compactionScheduled: boolean;
	/** performance.now() of the last commit of an update of this document (a large one is compacted once it is quiet) */
	lastCommitAt: number;
	projectionTimer: NodeJS.Timeout | null;
	projectionFirst: number;
	projectionLast: number;
	projectionPending: boolean;
	projecting: Promise<void> | null;
}

export const CLIENT_ORIGIN = 'kring:clients';

/** A document built from what is stored; `onEmit` hears every update Yjs emits for it. */
export function createLoadedDoc(options: {
	name: string;
	resource: DocResource;
	stored: StoredDocument | null;
	onEmit: (doc: LoadedDoc) => void;
}): LoadedDoc {
	const { name, resource, stored } = options;
	const ydoc = docFromStored(stored);
	const doc: LoadedDoc = {
		name,
		resource,
		ydoc,
		docId: stored?.id ?? null,
		lastSeq: stored?.lastSeq ?? 0,
		storedUpdates: (stored?.updates.length ?? 0) + (stored?.retained ?? 0),
		// the retained rows' bytes are not read (the head holds them): counted by number only
		storedBytes: stored?.updates.reduce((sum, u) => sum + u.byteLength, 0) ?? 0,
		snapshotBytes: stored?.state?.byteLength ?? 0,
		compactHeldAt: -Infinity,
		conns: new Set(),
		incoming: [],
		emitted: [],
		senders: new Set(),
		authors: new Set(),
		newSessionFor: new Set(),
		serverChanged: false,
		acks: new Set(),
		syncRequests: [],
		waiters: [],
		awarenessStates: new Map(),
		awarenessOwners: new Map(),
		awarenessClocks: new Map(),
		awarenessOut: new Map(),
		dirty: false,
		committing: false,
		holdUntil: 0,
		holdTimer: null,
		failed: false,
		unloadTimer: null,
		compactionScheduled: false,
		lastCommitAt: 0,
		projectionTimer: null,
		projectionFirst: 0,
		projectionLast: 0,
		projectionPending: false,
		projecting: null
	};
	ydoc.on('update', (update: Uint8Array) => {
		doc.emitted.push(update);
		options.onEmit(doc);
	});
	return doc;
}

export function hasPending(doc: LoadedDoc): boolean {
	return doc.incoming.length > 0 || doc.emitted.length > 0 || doc.committing;
}

/**
 * Applies the turn's client updates inside one Yjs transaction. An update
 * that nests too deep or does not apply closes its sender (`reject`); a
 * failure while Yjs finishes the transaction means the in-memory document
 * can no longer be trusted (`fail`).
 */
export function applyIncoming(
	doc: LoadedDoc,
	on: { reject(conn: Conn, detail: string): void; fail(err: unknown): void }
): void {
	const incoming = doc.incoming;
	doc.incoming = [];
	try {
		doc.ydoc.transact(() => {
			const refused = new Set<Conn>();
			for (const { conn, update } of incoming) {
				if (refused.has(conn)) continue;
				try {
					// Measured against the document as it is at this point of the turn,
					// earlier updates of the same turn included, so depth cannot be built
					// up a level per message either.
					if (updateNestingDepth(doc.ydoc, update) > MAX_NESTING) {
						refused.add(conn);
						on.reject(conn, `nesting deeper than ${MAX_NESTING}`);
						continue;
					}
					Y.applyUpdate(doc.ydoc, update);
				} catch (err) {
					on.reject(conn, errorText(err));
				}
			}
		}, CLIENT_ORIGIN);
	} catch (err) {
		// Yjs failed while finishing the transaction: the in-memory document can
		// no longer be trusted. Drop it uncommitted; the store still has the last
		// good state and clients resend what it lacks when they reconnect.
		on.fail(err);
	}
}

/**
 * Writes the loaded state as the new snapshot and deletes the updates it
 * folds in. Skipped while anything is uncommitted or someone else's
 * transaction is open. Gives back the error when storing failed (never throws).
 */
export function compactLoadedDoc(doc: LoadedDoc, store: DocumentStore, gapMs?: number, final = false): Maybe<unknown> {
	if (doc.storedUpdates === 0 || doc.docId === null || doc.failed || hasPending(doc) || store.busy()) return null;
	const docId = doc.docId;
	const uptoSeq = doc.lastSeq;
	const state = Y.encodeStateAsUpdate(doc.ydoc);
	const done = (folded: { seq: number; bytes: number | null }): null => {
		// the store keeps the updates of sessions still going on (see replaceState), and
		// updates committed since this began (PostgreSQL) stay for the next compaction
		const left = doc.lastSeq - folded.seq;
		doc.storedBytes = left > 0 ? Math.round((doc.storedBytes * left) / Math.max(1, doc.storedUpdates)) : 0;
		doc.storedUpdates = left;
		if (uptoSeq > folded.seq) doc.compactHeldAt = uptoSeq;
		if (folded.bytes !== null) doc.snapshotBytes = folded.bytes;
		return null;
	};
	try {
		const folded = andThen(store.compact(docId, state, uptoSeq, { gapMs, final }), done);
		return folded instanceof Promise ? folded.catch((err: unknown) => err ?? new Error('compaction failed')) : folded;
	} catch (err) {
		return err;
	}
}

/**
 * Past the threshold of stored updates — and, for a large document, once
 * they weigh as much as its snapshot, so rewriting the snapshot costs at
 * most as much again as the updates did; ten times the threshold always,
 * to bound the work of a load.
 */
export function compactionDue(doc: LoadedDoc, settings: CollabSettings): boolean {
	if (doc.storedUpdates < settings.compactAfterUpdates) return false;
	if (doc.lastSeq - doc.compactHeldAt < settings.compactAfterUpdates) return false;
	return doc.storedBytes >= doc.snapshotBytes || doc.storedUpdates >= settings.compactAfterUpdates * 10;
}

/** a document whose snapshot is larger than this is compacted only when quiet (COMPACT_QUIET_MS without commits) */
export const LARGE_DOCUMENT_BYTES = 256 * 1024;
export const COMPACT_QUIET_MS = 1000;

/**
 * When a due compaction may run: a small document at once; a large one —
 * rewriting its snapshot blocks the event loop for milliseconds — only once
 * nobody committed to it for COMPACT_QUIET_MS, unless its stored updates
 * reach ten times the threshold. Returns the wait in ms, 0 for now.
 */
export function compactionWait(doc: LoadedDoc, settings: CollabSettings, now = performance.now()): number {
	if (doc.snapshotBytes < LARGE_DOCUMENT_BYTES || doc.storedUpdates >= settings.compactAfterUpdates * 10) return 0;
	return Math.max(0, doc.lastCommitAt + COMPACT_QUIET_MS - now);
}

/** Every known awareness state of the document, as one message. */
export function awarenessSnapshot(doc: LoadedDoc): Buffer {
	const entries: AwarenessEntry[] = [];
	for (const [clientId, { clock, json }] of doc.awarenessStates) entries.push({ clientId, clock, state: json });
	return asBuffer(encodeAwareness(entries));
}

import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { CloseEventName } from './close-codes.ts';
import type { Conn } from './connection.ts';
import { applyIncoming, type LoadedDoc } from './document.ts';
import type { DocumentStore } from './document-store.ts';
import { encodeAwareness, encodeSaved, encodeSyncStep2, encodeUpdate } from './protocol.ts';
import type { CollabServerOptions, CollabSettings } from './settings.ts';
import type { AppendWrite } from './store.ts';
import { asBuffer, errorText } from './util.ts';

/**
 * The commit pipeline: persistence before broadcast.
 *
 * Once per event-loop turn (setImmediate) `flush` applies every queued client
 * update of a dirty document inside one Yjs transaction, takes the single
 * update Yjs emits for it, appends those of all documents in one transaction,
 * and only after COMMIT sends each, encoded once, to every connection of its
 * document, then the "saved" acknowledgements (for exactly the updates this
 * commit stored), then answers to sync requests that waited for it, then the
 * turn's awareness as one message — a receiver's messages of one flush under
 * one cork. On SQLite the commit returns before the next line runs; on
 * PostgreSQL it is awaited, one commit at a time, and whatever arrives
 * meanwhile waits for the next flush (its documents count as pending, so
 * no sync request is answered with state that is not stored yet).
 *
 * Pacing: a document whose last broadcast took long (hundreds of receivers)
 * while a backlog built up (several messages waiting for one flush) waits
 * about as long before the next one, so under load more edits share a
 * broadcast.
 */

export interface FlushContext {
	store: DocumentStore;
	settings: CollabSettings;
	log: Logger;
	observe?: CollabServerOptions['observe'];
	closing(): boolean;
	send(conn: Conn, message: Buffer): void;
	closeConn(conn: Conn, name: CloseEventName, detail?: string): void;
	failDocument(doc: LoadedDoc, err: unknown): void;
	/** an update of `doc` was committed and sent: its projection and compaction are due */
	onCommitted(doc: LoadedDoc): void;
}

export interface Flusher {
	/** queues a document for the next flush */
	markDirty(doc: LoadedDoc): void;
	/** commits and delivers every dirty document that is not held back; all of them when `all` */
	flush(all?: boolean): void;
	/** forgets a dropped document */
	forget(doc: LoadedDoc): void;
	/** a commit is under way, or documents wait for a flush */
	busy(): boolean;
}

/** What one flush does for one document, taken when the flush starts. */
interface Item {
	doc: LoadedDoc;
	/** client messages that waited for this flush: two or more are a backlog (pacing) */
	queued: number;
	senders: Set<Conn>;
	serverChanged: boolean;
	/** connections to tell "saved", with how many of their updates this commit stores */
	acks: Map<Conn, number>;
	/** changes of the server waiting for this commit (a change made while it runs waits for the next) */
	waiters: LoadedDoc['waiters'];
	write: (AppendWrite & { doc: LoadedDoc }) | null;
}

export function createFlusher(ctx: FlushContext): Flusher {
	const { store, settings: cfg, log } = ctx;
	const dirtyDocs = new Set<LoadedDoc>();
	let flushScheduled = false;
	/** a commit is under way (PostgreSQL): the next flush waits for it, so updates commit in order */
	let committing = false;

	/**
	 * A document whose last broadcast took long (many receivers) is held back
	 * for about as long again, so that under load more updates share one
	 * broadcast: sending is paid per receiver per message, and this keeps it
	 * to at most about half the time.
	 */
	function markDirty(doc: LoadedDoc): void {
		if (doc.dirty) return;
		doc.dirty = true;
		dirtyDocs.add(doc);
		const wait = doc.holdUntil - performance.now();
		if (wait >= 1 && !ctx.closing()) doc.holdTimer = setTimeout(releaseHold, wait, doc);
		else scheduleFlush();
	}

	function releaseHold(doc: LoadedDoc): void {
		doc.holdTimer = null;
		scheduleFlush();
	}

	function scheduleFlush(): void {
		if (flushScheduled) return;
		flushScheduled = true;
		setImmediate(flush);
	}

	function flush(all = false): void {
		flushScheduled = false;
		if (dirtyDocs.size === 0 || committing) return; // after a commit under way, its end flushes again
		if (store.busy()) {
			// Someone else (a Kysely transaction spanning awaits) has a transaction
			// open on this connection. Writing now would nest inside it — committed
			// only with it, rolled back with it — so wait until it ends.
			flushScheduled = true;
			setTimeout(flush, 1, all);
			return;
		}
		const batch: LoadedDoc[] = [];
		for (const doc of dirtyDocs) {
			if (doc.holdTimer !== null) {
				if (!all) continue;
				clearTimeout(doc.holdTimer);
				doc.holdTimer = null;
			}
			batch.push(doc);
		}
		for (const doc of batch) dirtyDocs.delete(doc);

		const queued = batch.map((doc) => doc.incoming.length);
		for (const doc of batch) {
			if (doc.incoming.length > 0 && !doc.failed) {
				applyIncoming(doc, {
					reject: (conn, detail) => ctx.closeConn(conn, 'UpdateRejected', detail),
					fail: (err) => ctx.failDocument(doc, err)
				});
			}
		}

		const at = Date.now();
		const items: Item[] = batch.map((doc, i) => {
			const authors = [...doc.authors];
			const newSession = doc.newSessionFor.size > 0 ? new Set(doc.newSessionFor) : undefined;
			const acks = new Map<Conn, number>();
			for (const conn of doc.acks) acks.set(conn, conn.updatesReceived);
			const item: Item = { doc, queued: queued[i], senders: doc.senders, serverChanged: doc.serverChanged, acks, waiters: doc.waiters, write: null };
			doc.waiters = [];
			doc.senders = new Set();
			doc.serverChanged = false;
			doc.acks.clear();
			doc.authors.clear();
			doc.newSessionFor.clear();
			// from here on, what arrives marks the document dirty for the next flush
			doc.dirty = false;
			if (!doc.failed && doc.emitted.length > 0) {
				const update = doc.emitted.length === 1 ? doc.emitted[0] : Y.mergeUpdates(doc.emitted);
				doc.emitted = [];
				item.write = { doc, name: doc.name, docId: doc.docId, seq: doc.lastSeq + 1, update, origin: { authors, at, newSession } };
			}
			return item;
		});
		const writes = items.flatMap((item) => (item.write ? [item.write] : []));
		if (writes.length === 0) return finish(items, writes, null, []);
		const commitStart = performance.now();
		let ids: number[] | Promise<number[]>;
		try {
			ids = store.commit(writes, cfg.historySessionGapMs);
		} catch (err) {
			return finish(items, writes, err, []);
		}
		if (!(ids instanceof Promise)) {
			ctx.observe?.commit?.((performance.now() - commitStart) / 1000);
			return finish(items, writes, null, ids);
		}
		// PostgreSQL: nothing of this flush is sent before COMMIT returns
		committing = true;
		for (const doc of batch) doc.committing = true;
		ids
			.then(
				(stored) => {
					ctx.observe?.commit?.((performance.now() - commitStart) / 1000);
					return [null, stored] as const;
				},
				(err: unknown) => [err ?? new Error('commit failed'), []] as const
			)
			.then(([failure, stored]) => {
				committing = false;
				for (const doc of batch) doc.committing = false;
				finish(items, writes, failure, stored);
				if (dirtyDocs.size > 0) scheduleFlush();
			});
	}

	/** After the commit (or its failure): the documents' bookkeeping, then delivery. */
	function finish(items: Item[], writes: Array<AppendWrite & { doc: LoadedDoc }>, failure: unknown, ids: readonly number[]): void {
		if (failure) {
			log.error({ err: errorText(failure), documents: writes.length }, 'collab commit failed');
			for (const w of writes) ctx.failDocument(w.doc, failure);
		} else {
			for (const [i, w] of writes.entries()) {
				w.doc.docId = ids[i];
				w.doc.lastSeq += 1;
				w.doc.storedUpdates += 1;
				w.doc.storedBytes += w.update.byteLength;
				w.doc.lastCommitAt = performance.now();
			}
		}
		for (const item of items) {
			if (!item.doc.failed) {
				try {
					deliver(item, failure ? null : (item.write?.update ?? null));
				} catch (err) {
					ctx.failDocument(item.doc, err);
				}
			}
			if (item.doc.failed) for (const w of item.waiters) w.reject(new Error(`document ${item.doc.name} could not be stored`));
			else for (const w of item.waiters) w.resolve();
		}
	}

	/**
	 * Sends a flush's outcome. Each message is encoded once and the same buffer
	 * goes to every receiver; a receiver's messages of this flush are written
	 * under one cork, so they leave in one system call.
	 */
	function deliver(item: Item, update: Uint8Array | null): void {
		const { doc, acks } = item;
		let updateMessage: Buffer | null = null;
		let skip: Conn | undefined;
		if (update) {
			updateMessage = asBuffer(encodeUpdate(update));
			// One sender and no server change: that sender already has all of it.
			if (item.senders.size === 1 && !item.serverChanged) skip = item.senders.values().next().value;
			ctx.onCommitted(doc);
		}
		let awarenessMessage: Buffer | null = null;
		if (doc.awarenessOut.size > 0) {
			awarenessMessage = asBuffer(encodeAwareness(doc.awarenessOut.values()));
			doc.awarenessOut.clear();
		}
		let requests: Map<Conn, Uint8Array[]> | null = null;
		// a change of the server applied while this flush committed (PostgreSQL) is not stored yet: its next flush answers
		if (doc.syncRequests.length > 0 && doc.emitted.length === 0) {
			requests = new Map();
			for (const { conn, stateVector } of doc.syncRequests) {
				const list = requests.get(conn);
				if (list) list.push(stateVector);
				else requests.set(conn, [stateVector]);
			}
			doc.syncRequests = [];
		}

		if (updateMessage || awarenessMessage || acks.size > 0 || requests) {
			const start = performance.now();
			for (const conn of doc.conns) {
				const withUpdate = updateMessage !== null && conn !== skip;
				const ack = acks.get(conn);
				const asked = requests?.get(conn);
				if (conn.closed || (!withUpdate && !awarenessMessage && ack === undefined && !asked)) continue;
				conn.socket.cork();
				if (withUpdate) ctx.send(conn, updateMessage!);
				if (ack !== undefined) ctx.send(conn, asBuffer(encodeSaved(ack)));
				if (asked) {
					for (const stateVector of asked) ctx.send(conn, asBuffer(encodeSyncStep2(Y.encodeStateAsUpdate(doc.ydoc, stateVector))));
				}
				if (awarenessMessage) ctx.send(conn, awarenessMessage);
				conn.socket.uncork();
			}
			const cost = performance.now() - start;
			ctx.observe?.broadcast?.(cost / 1000);
			// Held back only when there is a real backlog: several client messages
			// waited for this one flush, so they come faster than one per turn. A
			// lone typist's next keystroke is never held, however many receivers.
			// Capped: one slow broadcast (a GC pause, a descheduled process) must not stall the next.
			doc.holdUntil = cost >= cfg.paceAfterMs && item.queued >= 2 ? performance.now() + Math.min(cost, 20) : 0;
		}
	}

	return {
		markDirty,
		flush,
		forget: (doc) => dirtyDocs.delete(doc),
		busy: () => committing || dirtyDocs.size > 0
	};
}

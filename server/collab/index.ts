import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { parseDocName } from '../../src/lib/doc-name.ts';
import { resolveDocument, type DocResource } from '../../src/lib/server/access.ts';
import { authorizeUpgrade, type UpgradeDecision } from './authorize.ts';
import { CloseEvents, type CloseEvent, type CloseEventName } from './close-codes.ts';
import { createConn, sendTo, type Conn, type Identity } from './connection.ts';
import {
	applyIncoming,
	awarenessSnapshot,
	compactionDue,
	compactionWait,
	compactLoadedDoc,
	createLoadedDoc,
	hasPending,
	type LoadedDoc
} from './document.ts';
import { createMessageReceiver } from './message-receiver.ts';
import { encodeAccess, encodeSaved, encodeSyncStep1, encodeSyncStep2, encodeUpdate, encodeAwareness } from './protocol.ts';
import { resolveSettings, type CollabServerOptions } from './settings.ts';
import { createSweeper } from './sweep.ts';
import { startCheckpointer } from './checkpoint.ts';
import { collabStore, docFromStored, type UpdateOrigin } from './store.ts';
import { asBuffer, errorText } from './util.ts';

export type { CollabServerOptions } from './settings.ts';

export interface ChangeOptions {
	/** the transaction origin Yjs sees; default 'server' */
	origin?: string;
	/** the user the change is made for, recorded in the document's history; none: a change of the server itself */
	author?: string;
	/** end that author's running history session before this change, so the state before it stays a version (a restore) */
	newSession?: boolean;
}

/**
 * The collaboration server: the y-websocket protocol over `ws`, one Y.Doc per
 * loaded document, every accepted update committed to SQLite before anyone
 * else sees it.
 *
 * Life of an update. A client's sync step 2 or update message is decoded in
 * full (Y.decodeUpdate) when it arrives — a malformed one closes that
 * connection and is never applied — and queued on its document. Once per
 * event-loop turn (setImmediate) `flush` applies every queued update of a
 * document inside one Yjs transaction, takes the single update Yjs emits for
 * that transaction, appends it for all documents in one SQLite transaction,
 * and only after COMMIT sends it, encoded once, to every connection of the
 * document, then the "saved" acknowledgements, then answers to sync step 1
 * requests that arrived while updates were pending (so no client is ever
 * served state that is not yet committed), then the turn's awareness changes
 * as one message — a receiver's messages of one flush under one cork. A
 * document whose last broadcast took long (hundreds of receivers) while a
 * backlog built up (several messages waiting for one flush) waits about as
 * long before the next one, so under load more edits share a broadcast.
 *
 * The parts: settings.ts (options and their defaults), document.ts (a
 * loaded document, applying a turn's updates, compaction), connection.ts
 * (one socket), message-receiver.ts (protocol messages of a connection),
 * store.ts (SQLite). This file holds what ties them together: the upgrade,
 * the document registry, the flush, projection, unload, revocation and
 * shutdown.
 *
 * See docs/collab.md for the protocol, storage format and durability promise.
 */

export interface CollabServer {
	/** For requests under /collab/; anything else gets 404. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	/** Re-validates that user's open sockets now: session still valid, rights still the same. */
	recheckUser(userId: string): void;
	/**
	 * Applies a change made by the server itself through the same
	 * persist-then-broadcast path; loads the document if needed. Resolves once
	 * the change is committed. `fn` runs inside one Yjs transaction.
	 */
	change(name: string, fn: (doc: Y.Doc) => void, origin?: string | ChangeOptions): Promise<void>;
	/** A copy of a document's current state (loaded or from the store); the caller owns (and destroys) it. */
	readDocument(name: string): Promise<Y.Doc>;
	/** SIGTERM path: commit everything accepted, close sockets with 1001, compact, run pending projections. */
	close(): Promise<void>;
	/** counts, for health checks and tests */
	stats(): { documents: number; connections: number };
	/** Who holds a socket on each loaded document of this plan, each user once per document (the plan page's "nu bezig"). */
	present(planId: string): Array<{ name: string; users: Identity[] }>;
}

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	500: 'Internal Server Error',
	503: 'Service Unavailable'
};

export function createCollabServer(options: CollabServerOptions): CollabServer {
	const { db, sqlite } = options;
	const log = options.logger.child({ module: 'collab' });
	const store = collabStore(sqlite);
	const cfg = resolveSettings(options);
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: cfg.maxPayload,
		perMessageDeflate: false,
		clientTracking: false
	});
	const docs = new Map<string, LoadedDoc>();
	const userConns = new Map<string, Set<Conn>>();
	const dirtyDocs = new Set<LoadedDoc>();
	let flushScheduled = false;
	let closing = false;
	let closed: Promise<void> | null = null;
	/** projection hooks running now, also of documents already unloaded; awaited at shutdown */
	const projections = new Set<Promise<void>>();

	// ---------------------------------------------------------------- upgrade

	function refuse(socket: Duplex, status: number): void {
		if (!socket.writable) {
			socket.destroy();
			return;
		}
		const text = STATUS_TEXT[status] ?? 'Error';
		socket.once('finish', () => socket.destroy());
		socket.end(
			`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
				`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`
		);
	}

	// Shared, not a closure per request: a listener created inside
	// handleUpgrade would keep the request (headers, cookie) alive as long as
	// the socket lives.
	function onUpgradeSocketError(err: Error): void {
		log.debug({ err: errorText(err) }, 'collab upgrade socket error');
	}

	function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		// A reset during the asynchronous checks must not become an uncaught error.
		socket.on('error', onUpgradeSocketError);
		if (closing) {
			refuse(socket, 503);
			return;
		}
		authorizeUpgrade(req, { db, sqlite, origin: options.origin, sessionPolicy: options.sessionPolicy })
			.then((decision) => {
				if (!decision.ok) {
					log.info({ status: decision.status, reason: decision.reason }, 'collab upgrade refused');
					refuse(socket, decision.status);
					return;
				}
				if (closing) {
					refuse(socket, 503);
					return;
				}
				if (socket.destroyed) return;
				wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket, decision));
			})
			.catch((err: unknown) => {
				log.error({ err: errorText(err) }, 'collab upgrade failed');
				refuse(socket, 500);
			});
	}

	function accept(ws: WebSocket, socket: Duplex, decision: Extract<UpgradeDecision, { ok: true }>): void {
		let doc: LoadedDoc;
		try {
			doc = getOrLoad(decision.name, decision.resource);
		} catch (err) {
			ws.on('error', () => {});
			log.error({ doc: decision.name, err: errorText(err) }, 'collab document failed to load');
			ws.close(CloseEvents.InternalError.code, CloseEvents.InternalError.reason);
			return;
		}
		const conn = createConn(
			{
				ws,
				socket,
				doc,
				identity: { id: decision.user.id, name: decision.user.name, color: decision.user.color },
				token: decision.token,
				write: decision.write,
				wantsSaved: decision.wantsSaved
			},
			cfg
		);
		conn.checkAt = decision.checkAt;
		ws.on('error', (err: Error & { code?: string }) => onSocketError(conn, err));
		ws.on('message', (data, isBinary) => onMessage(conn, data as Buffer, isBinary));
		ws.on('close', () => detach(conn));

		doc.conns.add(conn);
		if (doc.unloadTimer) {
			clearTimeout(doc.unloadTimer);
			doc.unloadTimer = null;
		}
		let mine = userConns.get(conn.identity.id);
		if (!mine) userConns.set(conn.identity.id, (mine = new Set()));
		mine.add(conn);
		// Room for a person with many tabs, not for one script with hundreds of sockets.
		let sameSession = 0;
		for (const other of mine) if (other.token === conn.token) sameSession++;
		if (mine.size > cfg.maxConnectionsPerUser || sameSession > cfg.maxConnectionsPerSession) {
			closeConn(conn, 'TooManyConnections', `${mine.size} for this user, ${sameSession} for this session`);
			return;
		}
		options.onPresenceChange?.(doc.resource.planId);

		send(conn, asBuffer(encodeSyncStep1(Y.encodeStateVector(doc.ydoc))));
		if (doc.awarenessStates.size > 0) send(conn, awarenessSnapshot(doc));
		if (conn.wantsSaved) send(conn, asBuffer(encodeAccess(conn.write)));
	}

	// -------------------------------------------------------------- documents

	function getOrLoad(name: string, resource: DocResource): LoadedDoc {
		const existing = docs.get(name);
		if (existing) {
			existing.resource = resource;
			return existing;
		}
		const stored = store.read(name);
		const doc = createLoadedDoc({ name, resource, stored, onEmit: markDirty });
		docs.set(name, doc);
		// only updates that had to be replayed: rows the head already holds wait for the next compaction
		// (they are kept because sessions may still run, which a compaction now would mostly find too)
		if ((stored?.updates.length ?? 0) >= cfg.compactOnLoadAfter) scheduleCompaction(doc);
		return doc;
	}

	async function ensureLoaded(name: string): Promise<LoadedDoc> {
		const ref = parseDocName(name);
		if (!ref) throw new Error(`not a document name: ${JSON.stringify(name)}`);
		const loaded = docs.get(name);
		if (loaded) return loaded;
		const resource = await resolveDocument(db, ref);
		if (!resource) throw new Error(`unknown document: ${name}`);
		if (closing) throw new Error('collab server is closed');
		return getOrLoad(name, resource);
	}

	/**
	 * Queues a document for the next flush. A document whose last broadcast
	 * took long (many receivers) is held back for about as long again, so that
	 * under load more updates share one broadcast: sending is paid per
	 * receiver per message, and this keeps it to at most about half the time.
	 */
	function markDirty(doc: LoadedDoc): void {
		if (doc.dirty) return;
		doc.dirty = true;
		dirtyDocs.add(doc);
		const wait = doc.holdUntil - performance.now();
		if (wait >= 1 && !closing) doc.holdTimer = setTimeout(releaseHold, wait, doc);
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

	// ------------------------------------------------------------------ flush

	/** Commits and delivers every dirty document that is not held back; all of them when `all`. */
	function flush(all = false): void {
		flushScheduled = false;
		if (dirtyDocs.size === 0) return;
		if (sqlite.inTransaction) {
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

		/** client messages that waited for this flush, per document: two or more are a backlog (see deliver) */
		const queued = new Map<LoadedDoc, number>();
		for (const doc of batch) queued.set(doc, doc.incoming.length);
		for (const doc of batch) if (doc.incoming.length > 0 && !doc.failed) applyIncoming(doc, {
				reject: (conn, detail) => closeConn(conn, 'UpdateRejected', detail),
				fail: (err) => failDocument(doc, err)
			});

		const writes: Array<{ doc: LoadedDoc; update: Uint8Array; docId: number; origin: UpdateOrigin }> = [];
		const newIds = new Map<LoadedDoc, number>();
		const at = Date.now();
		for (const doc of batch) {
			const authors = [...doc.authors];
			const newSession = doc.newSessionFor.size > 0 ? new Set(doc.newSessionFor) : undefined;
			doc.authors.clear();
			doc.newSessionFor.clear();
			if (doc.failed || doc.emitted.length === 0) continue;
			const update = doc.emitted.length === 1 ? doc.emitted[0] : Y.mergeUpdates(doc.emitted);
			doc.emitted = [];
			writes.push({ doc, update, docId: doc.docId ?? -1, origin: { authors, at, newSession } });
		}
		let failure: unknown = null;
		if (writes.length > 0) {
			const commitStart = performance.now();
			try {
				store.transaction(() => {
					for (const w of writes) {
						if (w.docId < 0) {
							w.docId = store.ensureDocument(w.doc.name);
							newIds.set(w.doc, w.docId);
						}
						store.append(w.docId, w.doc.lastSeq + 1, w.update, w.origin, cfg.historySessionGapMs);
					}
				});
				options.observe?.commit?.((performance.now() - commitStart) / 1000);
			} catch (err) {
				failure = err;
			}
		}
		if (failure) {
			log.error({ err: errorText(failure), documents: writes.length }, 'collab commit failed');
			for (const w of writes) failDocument(w.doc, failure);
		} else {
			for (const w of writes) {
				if (newIds.has(w.doc)) w.doc.docId = w.docId;
				w.doc.lastSeq += 1;
				w.doc.storedUpdates += 1;
				w.doc.storedBytes += w.update.byteLength;
				w.doc.lastCommitAt = performance.now();
			}
		}

		const updates = new Map<LoadedDoc, Uint8Array>();
		if (!failure) for (const w of writes) updates.set(w.doc, w.update);
		for (const doc of batch) {
			doc.dirty = false;
			if (doc.failed) continue;
			try {
				deliver(doc, updates.get(doc) ?? null, queued.get(doc) ?? 0);
			} catch (err) {
				failDocument(doc, err);
			}
		}
	}

	/**
	 * Sends a flush's outcome. Each message is encoded once and the same buffer
	 * goes to every receiver; a receiver's messages of this flush are written
	 * under one cork, so they leave in one system call.
	 */
	function deliver(doc: LoadedDoc, update: Uint8Array | null, queued: number): void {
		let updateMessage: Buffer | null = null;
		let skip: Conn | undefined;
		if (update) {
			updateMessage = asBuffer(encodeUpdate(update));
			// One sender and no server change: that sender already has all of it.
			if (doc.senders.size === 1 && !doc.serverChanged) skip = doc.senders.values().next().value;
			scheduleProjection(doc);
			if (compactionDue(doc, cfg)) scheduleCompaction(doc);
		}
		doc.senders.clear();
		doc.serverChanged = false;
		let awarenessMessage: Buffer | null = null;
		if (doc.awarenessOut.size > 0) {
			awarenessMessage = asBuffer(encodeAwareness(doc.awarenessOut.values()));
			doc.awarenessOut.clear();
		}
		const acks = doc.acks.size > 0 ? doc.acks : null;
		let requests: Map<Conn, Uint8Array[]> | null = null;
		if (doc.syncRequests.length > 0) {
			requests = new Map();
			for (const { conn, stateVector } of doc.syncRequests) {
				const list = requests.get(conn);
				if (list) list.push(stateVector);
				else requests.set(conn, [stateVector]);
			}
			doc.syncRequests = [];
		}

		if (updateMessage || awarenessMessage || acks || requests) {
			const start = performance.now();
			for (const conn of doc.conns) {
				const withUpdate = updateMessage !== null && conn !== skip;
				const ack = acks !== null && acks.has(conn);
				const asked = requests?.get(conn);
				if (conn.closed || (!withUpdate && !awarenessMessage && !ack && !asked)) continue;
				conn.socket.cork();
				if (withUpdate) send(conn, updateMessage!);
				if (ack) send(conn, asBuffer(encodeSaved(conn.updatesReceived)));
				if (asked) {
					for (const stateVector of asked) send(conn, asBuffer(encodeSyncStep2(Y.encodeStateAsUpdate(doc.ydoc, stateVector))));
				}
				if (awarenessMessage) send(conn, awarenessMessage);
				conn.socket.uncork();
			}
			const cost = performance.now() - start;
			options.observe?.broadcast?.(cost / 1000);
			// Held back only when there is a real backlog: several client messages
			// waited for this one flush, so they come faster than one per turn. A
			// lone typist's next keystroke is never held, however many receivers.
			// Capped: one slow broadcast (a GC pause, a descheduled process) must not stall the next.
			doc.holdUntil = cost >= cfg.paceAfterMs && queued >= 2 ? performance.now() + Math.min(cost, 20) : 0;
		}
		acks?.clear();
		if (doc.waiters.length > 0) {
			const waiters = doc.waiters;
			doc.waiters = [];
			for (const w of waiters) w.resolve();
		}
	}

	/** The document's memory can no longer be trusted or stored: drop it and its connections. */
	function failDocument(doc: LoadedDoc, err: unknown): void {
		if (doc.failed) return;
		doc.failed = true;
		log.error({ doc: doc.name, err: errorText(err) }, 'collab document dropped after an internal error');
		for (const conn of [...doc.conns]) closeConn(conn, 'InternalError', undefined, true);
		const waiters = doc.waiters;
		doc.waiters = [];
		for (const w of waiters) w.reject(new Error(`document ${doc.name} could not be stored`));
		dropDocument(doc);
	}

	function dropDocument(doc: LoadedDoc): void {
		if (docs.get(doc.name) === doc) docs.delete(doc.name);
		dirtyDocs.delete(doc);
		if (doc.unloadTimer) clearTimeout(doc.unloadTimer);
		if (doc.projectionTimer) clearTimeout(doc.projectionTimer);
		if (doc.holdTimer) clearTimeout(doc.holdTimer);
		doc.unloadTimer = null;
		doc.projectionTimer = null;
		doc.holdTimer = null;
		const projecting = doc.projecting;
		if (projecting) void projecting.finally(() => doc.ydoc.destroy());
		else doc.ydoc.destroy();
	}

	// ------------------------------------------------------------ compaction

	function compact(doc: LoadedDoc, final = false): void {
		const err = compactLoadedDoc(doc, store, sqlite.inTransaction, cfg.historySessionGapMs, final);
		if (err) log.error({ doc: doc.name, err: errorText(err) }, 'collab compaction failed');
	}

	/** Compacts and writes the ends of the document's running history sessions (see store.ts) before it goes. */
	function compactAndRelease(doc: LoadedDoc): void {
		compact(doc, true);
		const docId = doc.docId;
		if (docId === null || sqlite.inTransaction) return;
		try {
			store.transaction(() => store.releaseHistory(docId));
		} catch (err) {
			// the update rows still say who edited when: readers and the next load derive the ends from them
			log.error({ doc: doc.name, err: errorText(err) }, 'collab history write failed');
		}
	}

	/** Compacts soon: in the next turn, or for a large document once it is quiet (compactionWait). */
	function scheduleCompaction(doc: LoadedDoc): void {
		if (doc.compactionScheduled) return;
		doc.compactionScheduled = true;
		const attempt = () => {
			if (docs.get(doc.name) !== doc) {
				doc.compactionScheduled = false;
				return;
			}
			const wait = compactionWait(doc, cfg);
			if (wait > 0 && !closing) {
				setTimeout(attempt, wait).unref();
				return;
			}
			doc.compactionScheduled = false;
			compact(doc);
		};
		setImmediate(attempt);
	}

	// ------------------------------------------------------------ projection

	function scheduleProjection(doc: LoadedDoc): void {
		if (!options.onDocumentChange) return;
		const now = Date.now();
		if (!doc.projectionPending) {
			doc.projectionPending = true;
			doc.projectionFirst = now;
		}
		doc.projectionLast = now;
		if (!doc.projectionTimer && !doc.projecting) armProjection(doc, cfg.projectionDelayMs);
	}

	function armProjection(doc: LoadedDoc, delay: number): void {
		doc.projectionTimer = setTimeout(() => {
			doc.projectionTimer = null;
			const now = Date.now();
			const due = Math.min(doc.projectionLast + cfg.projectionDelayMs, doc.projectionFirst + cfg.projectionMaxWaitMs);
			if (due > now) armProjection(doc, due - now);
			else void project(doc);
		}, delay);
	}

	async function project(doc: LoadedDoc): Promise<void> {
		const hook = options.onDocumentChange;
		if (!hook) return;
		if (doc.projecting) await doc.projecting;
		if (!doc.projectionPending) return;
		doc.projectionPending = false;
		if (doc.projectionTimer) {
			clearTimeout(doc.projectionTimer);
			doc.projectionTimer = null;
		}
		const run = (async () => {
			try {
				await hook(doc.name, doc.ydoc, doc.resource);
			} catch (err) {
				log.error({ doc: doc.name, err: errorText(err) }, 'collab projection failed');
			}
		})();
		doc.projecting = run;
		projections.add(run);
		await run;
		projections.delete(run);
		doc.projecting = null;
		// changes that arrived while the hook ran
		if (doc.projectionPending && !doc.projectionTimer && docs.get(doc.name) === doc) {
			armProjection(doc, cfg.projectionDelayMs);
		}
	}

	// --------------------------------------------------------------- unload

	function scheduleUnload(doc: LoadedDoc): void {
		if (closing || doc.failed) return;
		if (doc.unloadTimer) clearTimeout(doc.unloadTimer);
		doc.unloadTimer = setTimeout(() => void unload(doc), cfg.unloadDelayMs);
		doc.unloadTimer.unref();
	}

	async function unload(doc: LoadedDoc): Promise<void> {
		doc.unloadTimer = null;
		if (doc.conns.size > 0 || docs.get(doc.name) !== doc) return;
		if (sqlite.inTransaction) {
			scheduleUnload(doc);
			return;
		}
		if (hasPending(doc) || doc.dirty) flush(true);
		if (doc.conns.size > 0 || doc.failed) return;
		compactAndRelease(doc);
		docs.delete(doc.name);
		if (doc.projectionTimer) {
			clearTimeout(doc.projectionTimer);
			doc.projectionTimer = null;
		}
		if (doc.projectionPending || doc.projecting) await project(doc);
		doc.ydoc.destroy();
	}

	// ------------------------------------------------------------ messages

	function send(conn: Conn, message: Buffer): void {
		if (!sendTo(conn, message, cfg.maxBufferedBytes)) closeConn(conn, 'Backpressure');
	}

	const onMessage = createMessageReceiver({ settings: cfg, send, closeConn, markDirty });

	// --------------------------------------------------------- connections

	function onSocketError(conn: Conn, err: Error & { code?: string }): void {
		if (conn.closed) return;
		const name: CloseEventName | undefined = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'MessageTooBig' : undefined;
		conn.closed = true;
		log.warn(
			{ doc: conn.doc.name, user: conn.identity.id, close: name ?? 'SocketError', code: err.code },
			'collab connection closed'
		);
		options.observe?.close?.(name === 'MessageTooBig' ? CloseEvents.MessageTooBig.code : 1006, name ?? 'SocketError');
		// ws closes the socket itself after an error (1009 for an oversized message).
		detach(conn);
	}

	/**
	 * Closes one connection with a named code and one log line (none when
	 * `quiet`, e.g. at shutdown). Never logs tokens, cookies or content.
	 */
	function closeConn(conn: Conn, name: CloseEventName, detail?: string, quiet = false): void {
		if (conn.closed) return;
		conn.closed = true;
		const event: CloseEvent = CloseEvents[name];
		options.observe?.close?.(event.code, name);
		if (!quiet) {
			const level = event.code >= 4400 && event.code < 4500 && name !== 'Unauthorized' && name !== 'Forbidden' ? 'warn' : 'info';
			log[level]({ doc: conn.doc.name, user: conn.identity.id, close: name, code: event.code, detail }, 'collab connection closed');
		}
		try {
			conn.ws.close(event.code, event.reason);
		} catch {
			conn.ws.terminate();
		}
		// a peer that never answers the close frame does not keep the socket
		setTimeout(() => conn.ws.terminate(), 2000).unref();
		detach(conn);
	}

	/** Removes a connection from its document; idempotent. Called on close, error and closeConn. */
	function detach(conn: Conn): void {
		conn.closed = true;
		const doc = conn.doc;
		if (!doc.conns.delete(conn)) return;
		const mine = userConns.get(conn.identity.id);
		if (mine) {
			mine.delete(conn);
			if (mine.size === 0) userConns.delete(conn.identity.id);
		}
		for (const clientId of conn.awarenessIds) {
			doc.awarenessOwners.delete(clientId);
			const state = doc.awarenessStates.get(clientId);
			if (!state) continue;
			doc.awarenessStates.delete(clientId);
			const clock = state.clock + 1;
			doc.awarenessClocks.set(clientId, clock);
			doc.awarenessOut.set(clientId, { clientId, clock, state: 'null' });
			markDirty(doc);
		}
		if (doc.conns.size === 0) scheduleUnload(doc);
		options.onPresenceChange?.(doc.resource.planId);
	}

	// ------------------------------------------------------------ revocation

	const checkpointer = options.checkpointIntervalMs
		? startCheckpointer(sqlite, log, options.checkpointIntervalMs, options.observe?.checkpoint)
		: null;

	const sweeper = createSweeper({
		sqlite,
		sessionPolicy: options.sessionPolicy,
		intervalMs: cfg.sweepIntervalMs,
		log,
		*connections() {
			for (const doc of docs.values()) yield* doc.conns;
		},
		connectionsOf: (userId) => userConns.get(userId),
		closeConn: (conn, name) => closeConn(conn, name),
		observeSlice: options.observe?.recheckSlice
	});
	const recheckUser = (userId: string): void => sweeper.recheckUser(userId);

	// ------------------------------------------------------------------ API

	async function change(name: string, fn: (doc: Y.Doc) => void, how: string | ChangeOptions = 'server'): Promise<void> {
		if (closing) throw new Error('collab server is closed');
		const { origin = 'server', author, newSession } = typeof how === 'string' ? { origin: how } : how;
		const doc = await ensureLoaded(name);
		if (author) {
			doc.authors.add(author);
			if (newSession) doc.newSessionFor.add(author);
		}
		const committed = new Promise<void>((resolve, reject) => doc.waiters.push({ resolve, reject }));
		committed.catch(() => {});
		try {
			doc.ydoc.transact(() => fn(doc.ydoc), origin);
		} finally {
			doc.serverChanged = true;
			markDirty(doc); // a flush resolves the waiter even when fn changed nothing
			if (doc.conns.size === 0) scheduleUnload(doc);
		}
		await committed;
	}

	async function readDocument(name: string): Promise<Y.Doc> {
		if (!parseDocName(name)) throw new Error(`not a document name: ${JSON.stringify(name)}`);
		const loaded = docs.get(name);
		if (loaded) {
			const copy = new Y.Doc();
			Y.applyUpdate(copy, Y.encodeStateAsUpdate(loaded.ydoc));
			return copy;
		}
		return docFromStored(store.read(name));
	}

	async function shutdown(): Promise<void> {
		closing = true;
		sweeper.stop();
		// let a transaction of the app that is open across awaits finish first (see flush)
		for (let waited = 0; sqlite.inTransaction && waited < 5000; waited += 5) {
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		if (sqlite.inTransaction) log.error('collab shutdown: a transaction of the app stayed open; pending updates not committed');
		flush(true);
		const conns: Conn[] = [];
		for (const doc of docs.values()) conns.push(...doc.conns);
		const socketsClosed = conns.map(
			(conn) =>
				new Promise<void>((resolve) => {
					if (conn.ws.readyState === WebSocket.CLOSED) resolve();
					else conn.ws.once('close', () => resolve());
				})
		);
		for (const conn of conns) closeConn(conn, 'GoingAway', undefined, true);
		if (conns.length > 0) log.info({ connections: conns.length }, 'collab sockets closed for shutdown');
		const loaded = [...docs.values()];
		for (const doc of loaded) {
			if (doc.unloadTimer) clearTimeout(doc.unloadTimer);
			doc.unloadTimer = null;
			compactAndRelease(doc);
		}
		await Promise.all(loaded.map((doc) => (doc.projectionPending || doc.projecting ? project(doc) : undefined)));
		await Promise.all([...projections]);
		const grace = new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
		await Promise.race([Promise.all(socketsClosed), grace]);
		for (const conn of conns) conn.ws.terminate();
		for (const doc of loaded) {
			docs.delete(doc.name);
			doc.ydoc.destroy();
		}
		wss.close();
		await checkpointer?.stop();
	}

	return {
		handleUpgrade,
		recheckUser,
		change,
		readDocument,
		close() {
			closed ??= shutdown();
			return closed;
		},
		present(planId) {
			const out: Array<{ name: string; users: Identity[] }> = [];
			for (const doc of docs.values()) {
				if (doc.resource.planId !== planId || doc.conns.size === 0) continue;
				const users = new Map<string, Identity>();
				for (const conn of doc.conns) if (!conn.closed) users.set(conn.identity.id, { ...conn.identity });
				if (users.size > 0) out.push({ name: doc.name, users: [...users.values()] });
			}
			return out;
		},
		stats() {
			let connections = 0;
			for (const doc of docs.values()) connections += doc.conns.size;
			return { documents: docs.size, connections };
		}
	};
}
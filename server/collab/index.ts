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
	awarenessSnapshot,
	compactionDue,
	compactionWait,
	compactLoadedDoc,
	createLoadedDoc,
	hasPending,
	type LoadedDoc
} from './document.ts';
import { createFlusher } from './flush.ts';
import { createMessageReceiver } from './message-receiver.ts';
import { encodeAccess, encodeSyncStep1 } from './protocol.ts';
import { resolveSettings, type CollabServerOptions } from './settings.ts';
import { recheckQueries } from './recheck.ts';
import { createSweeper } from './sweep.ts';
import { FORWARDED_BY, forwardUpgrade } from './forward.ts';
import { createRemoteChanges, OwnedElsewhere } from './remote-change.ts';
import { startCheckpointer } from './checkpoint.ts';
import { postgresDocumentStore, sqliteDocumentStore, andThen, type DocumentStore, type Maybe } from './document-store.ts';
import { docFromStored, type StoredDocument } from './store.ts';
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
 * loaded document, every accepted update committed to the database (SQLite,
 * or PostgreSQL) before anyone else sees it.
 *
 * Life of an update. A client's sync step 2 or update message is decoded in
 * full (Y.decodeUpdate) when it arrives — a malformed one closes that
 * connection and is never applied — and queued on its document. Once per
 * event-loop turn the flush (flush.ts) applies a document's queued updates in
 * one Yjs transaction, commits the update Yjs emits, and only after COMMIT
 * sends it to every connection, then "saved" to its senders.
 *
 * The parts: settings.ts (options and their defaults), document.ts (a
 * loaded document, applying a turn's updates, compaction), flush.ts (the
 * commit pipeline), connection.ts (one socket), message-receiver.ts
 * (protocol messages of a connection), document-store.ts and store.ts
 * (SQLite and PostgreSQL), sweep.ts (re-checking rights), cluster.ts,
 * forward.ts and remote-change.ts (several nodes on PostgreSQL). This file
 * holds what ties them together: the upgrade, the document registry,
 * projection, unload, revocation and shutdown.
 *
 * See docs/collab.md for the protocol, storage format and durability promise,
 * and docs/scaling.md for PostgreSQL and several nodes.
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
	if (!sqlite && !(options.postgres && options.rights)) throw new Error('createCollabServer needs a SQLite handle, or a PostgreSQL pool and its rights source');
	const cluster = options.cluster;
	const store: DocumentStore = sqlite ? sqliteDocumentStore(sqlite) : (cluster?.store ?? postgresDocumentStore(options.postgres!));
	// what the upgrade and the sweep ask about sessions and rights
	const recheck = options.rights ?? recheckQueries(sqlite!);
	const cfg = resolveSettings(options);
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: cfg.maxPayload,
		perMessageDeflate: false,
		clientTracking: false
	});
	const docs = new Map<string, LoadedDoc>();
	const userConns = new Map<string, Set<Conn>>();
	/** loads under way (PostgreSQL reads asynchronously), so two sockets for one document share one */
	const loading = new Map<string, Promise<LoadedDoc>>();
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
		authorizeUpgrade(req, { rights: recheck, origin: options.origin, sessionPolicy: options.sessionPolicy })
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
				if (cluster && !docs.has(decision.name) && !loading.has(decision.name)) return routeInCluster(req, socket, head, decision);
				return openHere(req, socket, head, decision);
			})
			.catch((err: unknown) => {
				log.error({ err: errorText(err) }, 'collab upgrade failed');
				refuse(socket, 500);
			});
	}

	/** Loads the document and accepts the socket on this node. */
	function openHere(req: IncomingMessage, socket: Duplex, head: Buffer, decision: Extract<UpgradeDecision, { ok: true }>): Maybe<void> {
		return andThen(loadFor(decision), (loaded) => {
			if (closing) refuse(socket, 503);
			if (closing || socket.destroyed) {
				if (!(loaded instanceof Error) && loaded.conns.size === 0) scheduleUnload(loaded);
				return;
			}
			wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket, decision, loaded));
		});
	}

	/**
	 * Several nodes (cluster.ts): this node takes the document when nobody
	 * owns it, and otherwise forwards the socket to its owner (forward.ts).
	 * A socket that was forwarded to this node is never forwarded again.
	 */
	async function routeInCluster(req: IncomingMessage, socket: Duplex, head: Buffer, decision: Extract<UpgradeDecision, { ok: true }>): Promise<void> {
		const node = cluster!;
		for (let attempt = 0; attempt < 3; attempt++) {
			if (await node.claim(decision.name)) return openHere(req, socket, head, decision);
			if (req.headers[FORWARDED_BY]) break;
			const owner = await node.ownerOf(decision.name);
			if (closing || socket.destroyed) break;
			if (owner && owner.nodeId !== node.nodeId) {
				forwardUpgrade(req, socket, head, { wss, ownerUrl: owner.url, nodeId: node.nodeId, log, refuse });
				return;
			}
			// the owner let go in between: ask again
		}
		log.info({ doc: decision.name }, 'collab upgrade refused: no owner node');
		refuse(socket, 503);
	}

	/** The decision's document, loaded; a failure to load is given back, not thrown (the socket is closed with InternalError). */
	function loadFor(decision: Extract<UpgradeDecision, { ok: true }>): LoadedDoc | Error | Promise<LoadedDoc | Error> {
		const failed = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
		try {
			const loaded = getOrLoad(decision.name, decision.resource);
			return loaded instanceof Promise ? loaded.catch(failed) : loaded;
		} catch (err) {
			return failed(err);
		}
	}

	function accept(ws: WebSocket, socket: Duplex, decision: Extract<UpgradeDecision, { ok: true }>, loaded: LoadedDoc | Error): void {
		// a document dropped (failed) between its load and this socket is loaded again
		const doc: LoadedDoc | Error = loaded instanceof Error || docs.get(loaded.name) === loaded ? loaded : new Error('document dropped while loading');
		if (doc instanceof Error) {
			ws.on('error', () => {});
			log.error({ doc: decision.name, err: errorText(doc) }, 'collab document failed to load');
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

	function getOrLoad(name: string, resource: DocResource): LoadedDoc | Promise<LoadedDoc> {
		const existing = docs.get(name);
		if (existing) {
			existing.resource = resource;
			return existing;
		}
		const pending = loading.get(name);
		if (pending) return pending.then((doc) => Object.assign(doc, { resource }));
		const stored = store.read(name);
		if (!(stored instanceof Promise)) return install(name, resource, stored);
		const load = stored.then(
			(s) => {
				loading.delete(name);
				return docs.get(name) ?? install(name, resource, s);
			},
			(err: unknown) => {
				loading.delete(name);
				void cluster?.unclaim(name, () => docs.has(name) || loading.has(name));
				throw err;
			}
		);
		loading.set(name, load);
		return load;
	}

	function install(name: string, resource: DocResource, stored: StoredDocument | null): LoadedDoc {
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
		if (cluster && !docs.has(name) && !loading.has(name) && !(await cluster.claim(name))) throw new OwnedElsewhere(name);
		return getOrLoad(name, resource);
	}

	// ------------------------------------------------------------------ flush

	const flusher = createFlusher({
		store,
		settings: cfg,
		log,
		observe: options.observe,
		closing: () => closing,
		send,
		closeConn,
		failDocument,
		onCommitted(doc) {
			scheduleProjection(doc);
			if (compactionDue(doc, cfg)) scheduleCompaction(doc);
		}
	});
	const { markDirty, flush } = flusher;

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
		void cluster?.unclaim(doc.name, () => docs.has(doc.name) || loading.has(doc.name));
		flusher.forget(doc);
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

	/** Never throws or rejects: a failure is logged (the stored updates stay, and a later compaction folds them). */
	function compact(doc: LoadedDoc, final = false): Maybe<void> {
		return andThen(compactLoadedDoc(doc, store, cfg.historySessionGapMs, final), (err) => {
			if (err) log.error({ doc: doc.name, err: errorText(err) }, 'collab compaction failed');
		});
	}

	/** Compacts and writes the ends of the document's running history sessions (see store.ts) before it goes. */
	function compactAndRelease(doc: LoadedDoc): Maybe<void> {
		return andThen(compact(doc, true), () => {
			const docId = doc.docId;
			if (docId === null || store.busy()) return;
			// the update rows still say who edited when: readers and the next load derive the ends from them
			const failed = (err: unknown) => log.error({ doc: doc.name, err: errorText(err) }, 'collab history write failed');
			try {
				const released = store.release(docId);
				return released instanceof Promise ? released.catch(failed) : released;
			} catch (err) {
				failed(err);
			}
		});
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
			void compact(doc);
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
		if (store.busy()) {
			scheduleUnload(doc);
			return;
		}
		while (hasPending(doc) || doc.dirty) {
			flush(true);
			if (doc.failed) return;
			// PostgreSQL: the commit is under way
			if (hasPending(doc) || doc.dirty) await stored(doc);
		}
		if (doc.conns.size > 0 || doc.failed) return;
		const released = compactAndRelease(doc);
		if (released instanceof Promise) {
			await released;
			// someone opened it again meanwhile: it stays
			if (doc.conns.size > 0 || doc.failed || docs.get(doc.name) !== doc || hasPending(doc) || doc.dirty) return;
		}
		docs.delete(doc.name);
		void cluster?.unclaim(doc.name, () => docs.has(doc.name) || loading.has(doc.name));
		if (doc.projectionTimer) {
			clearTimeout(doc.projectionTimer);
			doc.projectionTimer = null;
		}
		if (doc.projectionPending || doc.projecting) await project(doc);
		doc.ydoc.destroy();
	}

	/** Resolves after the document's next delivery (its pending updates committed), or when it failed. */
	function stored(doc: LoadedDoc): Promise<void> {
		return new Promise<void>((resolve) => {
			doc.waiters.push({ resolve, reject: () => resolve() });
			markDirty(doc);
		});
	}

	// ------------------------------------------------------------ messages

	function send(conn: Conn, message: Buffer): void {
		if (!sendTo(conn, message, cfg.maxBufferedBytes)) closeConn(conn, 'Backpressure');
	}

	const onMessage = createMessageReceiver({ settings: cfg, send, closeConn, markDirty });

	// the node's session ended (cluster.ts): it owns nothing any more, so it keeps nothing loaded;
	// the sockets reconnect and reach the new owner
	cluster?.onLost(() => {
		for (const doc of [...docs.values()]) failDocument(doc, new Error('the cluster session ended'));
	});

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

	const checkpointer = options.checkpointIntervalMs && sqlite
		? startCheckpointer(sqlite, log, options.checkpointIntervalMs, options.observe?.checkpoint)
		: null;

	const sweeper = createSweeper({
		queries: recheck,
		busy: () => store.busy(),
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
		const asked = typeof how === 'string' ? { origin: how } : how;
		try {
			await changeHere(name, fn, asked);
		} catch (err) {
			if (!(err instanceof OwnedElsewhere) || !remote) throw err;
			await remote.change(name, fn, asked);
		}
	}

	async function changeHere(name: string, fn: (doc: Y.Doc) => void, how: ChangeOptions): Promise<void> {
		const { origin = 'server', author, newSession } = how;
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

	// several nodes: a change of a document another node owns travels to it (remote-change.ts)
	const remote = cluster ? createRemoteChanges({ cluster, store, log, changeHere }) : null;

	async function readDocument(name: string): Promise<Y.Doc> {
		if (!parseDocName(name)) throw new Error(`not a document name: ${JSON.stringify(name)}`);
		const loaded = docs.get(name);
		if (loaded) {
			const copy = new Y.Doc();
			Y.applyUpdate(copy, Y.encodeStateAsUpdate(loaded.ydoc));
			return copy;
		}
		return docFromStored(await store.read(name));
	}

	async function shutdown(): Promise<void> {
		closing = true;
		sweeper.stop();
		// let a transaction of the app that is open across awaits finish first (see flush)
		for (let waited = 0; store.busy() && waited < 5000; waited += 5) {
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		if (store.busy()) log.error('collab shutdown: a transaction of the app stayed open; pending updates not committed');
		flush(true);
		// PostgreSQL: commits under way, and what waited for them
		for (let waited = 0; flusher.busy() && waited < 10_000; waited += 2) {
			await new Promise((resolve) => setTimeout(resolve, 2));
			flush(true);
		}
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
			await compactAndRelease(doc);
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
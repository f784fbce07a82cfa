import pg from 'pg';
import type { Logger } from 'pino';
import { numberTypes } from '../../src/lib/server/db.ts';
import { postgresDocumentStore, type PostgresConnections, type PostgresDocumentStore } from './document-store.ts';
import { errorText } from './util.ts';

/**
 * One Kring node among several on one PostgreSQL database (issue 18,
 * docs/scaling.md).
 *
 * Each collaborative document has at most one owner node: the node whose
 * session holds the document's advisory lock (`pg_try_advisory_lock(
 * LOCK_SPACE, hashtext(name))`). The node writes documents on that same
 * connection — the store's transactions and the locks share one session — so
 * when the connection goes (the node died, or the network between it and
 * PostgreSQL), PostgreSQL frees its locks and no late write of it can land:
 * it has no connection left to write on. `onLost` tells the collaboration
 * server, which drops every document it owned (its sockets reconnect and
 * find the new owner). A hash collision only means two documents share an
 * owner: session locks of one session stack.
 *
 * Who owns a document is read from PostgreSQL itself: pg_locks joined with
 * collab_nodes (migration 0035), where each node records the backend pid of
 * its session and the address other nodes forward sockets to.
 */

/** the first key of every ownership lock (the second is hashtext of the document name) */
export const LOCK_SPACE = 4318;

export interface NodeAddress {
	nodeId: string;
	/** http://host:port where this node's /collab/ is reached by other nodes */
	url: string;
}

export interface Cluster {
	readonly nodeId: string;
	/** writes documents on the node's session, fenced by its locks */
	readonly store: PostgresDocumentStore;
	/** takes ownership of a document; false when another node has it */
	claim(name: string): Promise<boolean>;
	/** gives ownership back (the document was unloaded), unless `stillNeeded()` says otherwise when it is this one's turn */
	unclaim(name: string, stillNeeded?: () => boolean): Promise<void>;
	/** the node that owns `name` now, if any */
	ownerOf(name: string): Promise<NodeAddress | null>;
	/** called when the session ends: every claim is gone */
	onLost(listener: () => void): void;
	/**
	 * Sends a message to one node (or '*': all others) through PostgreSQL's
	 * NOTIFY on CLUSTER_CHANNEL: delivered at once, to nodes listening now, at
	 * most MAX_MESSAGE_BYTES of JSON. Returns false when it was too large.
	 */
	send(to: string, message: ClusterMessage): Promise<boolean>;
	onMessage(listener: (message: ClusterMessage & { from: string }) => void): void;
	close(): Promise<void>;
}

/** the channel of node-to-node messages */
export const CLUSTER_CHANNEL = 'kring_cluster';
/** NOTIFY's payload limit is 8000 bytes; the envelope takes a little */
export const MAX_MESSAGE_BYTES = 7900;

export type ClusterMessage = { kind: string; [key: string]: unknown };

export interface ClusterOptions {
	connectionString: string;
	/** for reads that need no lock (who owns what) */
	pool: pg.Pool;
	nodeId: string;
	nodeUrl: string;
	log: Logger;
}

export async function joinCluster(options: ClusterOptions): Promise<Cluster> {
	const { log, nodeId } = options;
	let session: pg.Client | null = null;
	let connecting: Promise<pg.Client> | null = null;
	let closed = false;
	const claims = new Set<string>();
	const lostListeners: Array<() => void> = [];
	const messageListeners: Array<(message: ClusterMessage & { from: string }) => void> = [];
	let listener: pg.Client | null = null;
	let retry: NodeJS.Timeout | null = null;

	/** The connection that LISTENs for node-to-node messages; reconnects after a second when it goes. */
	async function listen(): Promise<void> {
		const client = new pg.Client({ connectionString: options.connectionString });
		listener = client;
		const gone = (err?: unknown) => {
			if (listener !== client) return;
			listener = null;
			if (!closed) {
				log.warn({ node: nodeId, err: err ? errorText(err) : undefined }, 'cluster messages lost; listening again');
				retry = setTimeout(() => void listen(), 1000);
			}
			client.end().catch(() => {});
		};
		client.on('error', gone);
		client.on('end', () => gone());
		client.on('notification', (n) => {
			if (n.channel !== CLUSTER_CHANNEL || !n.payload) return;
			let envelope: { to: string; from: string; message: ClusterMessage };
			try {
				envelope = JSON.parse(n.payload) as typeof envelope;
			} catch {
				return;
			}
			if (envelope.from === nodeId || (envelope.to !== '*' && envelope.to !== nodeId)) return;
			for (const l of messageListeners) {
				try {
					l({ ...envelope.message, from: envelope.from });
				} catch (err) {
					log.error({ err: errorText(err), kind: envelope.message?.kind }, 'cluster message handler failed');
				}
			}
		});
		try {
			await client.connect();
			await client.query(`LISTEN ${CLUSTER_CHANNEL}`);
		} catch (err) {
			gone(err);
		}
	}

	function lost(client: pg.Client, err?: unknown): void {
		if (session !== client) return;
		session = null;
		const held = claims.size;
		claims.clear();
		if (!closed) log.warn({ node: nodeId, err: err ? errorText(err) : undefined, documents: held }, 'cluster session lost: ownership of its documents ends');
		client.end().catch(() => {});
		for (const listener of lostListeners) listener();
	}

	async function connect(): Promise<pg.Client> {
		const client = new pg.Client({ connectionString: options.connectionString, types: numberTypes });
		client.on('error', (err) => lost(client, err));
		client.on('end', () => lost(client));
		await client.connect();
		// a dead node's row that carries this pid (PostgreSQL reuses pids) would name the wrong owner
		await client.query('DELETE FROM collab_nodes WHERE backend_pid = pg_backend_pid() AND node_id <> $1', [nodeId]);
		await client.query(
			`INSERT INTO collab_nodes (node_id, url, backend_pid, seen_at) VALUES ($1, $2, pg_backend_pid(), $3)
			 ON CONFLICT (node_id) DO UPDATE SET url = excluded.url, backend_pid = excluded.backend_pid, seen_at = excluded.seen_at`,
			[nodeId, options.nodeUrl, Date.now()]
		);
		session = client;
		return client;
	}

	const connections: PostgresConnections = {
		async acquire() {
			if (closed) throw new Error('the cluster node is closed');
			const client = session ?? (await (connecting ??= connect().finally(() => (connecting = null))));
			return {
				client,
				release(err) {
					if (err) lost(client, err);
				}
			};
		}
	};
	const store = postgresDocumentStore(connections);
	await connections.acquire().then(({ release }) => release());
	await listen();

	return {
		nodeId,
		store,
		// claims and unclaims go through the store's queue, so they apply in the order asked
		claim(name) {
			return store.exclusive(async (client) => {
				if (claims.has(name)) return true;
				const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_SPACE, name]);
				if (rows[0].ok) claims.add(name);
				return rows[0].ok;
			});
		},
		async unclaim(name, stillNeeded) {
			await store
				.exclusive(async (client) => {
					if (!claims.has(name) || stillNeeded?.()) return;
					claims.delete(name);
					await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, name]);
				})
				.catch((err: unknown) => log.warn({ err: errorText(err) }, 'cluster unlock failed (the session ends it anyway)'));
		},
		async send(to, message) {
			const payload = JSON.stringify({ to, from: nodeId, message });
			if (Buffer.byteLength(payload) > MAX_MESSAGE_BYTES) return false;
			await options.pool.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, payload]);
			return true;
		},
		onMessage(l) {
			messageListeners.push(l);
		},
		async ownerOf(name) {
			const { rows } = await options.pool.query<{ node_id: string; url: string }>(
				`SELECT n.node_id, n.url FROM pg_locks l JOIN collab_nodes n ON n.backend_pid = l.pid
				 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
				   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
				   AND l.classid::text::bigint = $1 AND l.objid::text::bigint = (hashtext($2)::bigint & 4294967295)
				 LIMIT 1`,
				[LOCK_SPACE, name]
			);
			return rows[0] ? { nodeId: rows[0].node_id, url: rows[0].url } : null;
		},
		onLost(listener) {
			lostListeners.push(listener);
		},
		async close() {
			closed = true;
			if (retry) clearTimeout(retry);
			const l = listener;
			listener = null;
			await l?.end().catch(() => {});
			const client = session;
			session = null;
			claims.clear();
			if (!client) return;
			await client.query('DELETE FROM collab_nodes WHERE node_id = $1', [nodeId]).catch(() => {});
			await client.end().catch(() => {});
		}
	};
}

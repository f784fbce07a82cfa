import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Cluster } from './cluster.ts';
import type { RecheckSource } from './recheck.ts';
import type { Logger } from 'pino';
import type * as Y from 'yjs';
import type { DocResource } from '../../src/lib/server/access.ts';
import type { Database } from '../../src/lib/server/schema.ts';
import type { SessionPolicy } from '../../src/lib/server/session.ts';
import { DEFAULT_SESSION_GAP_MS } from './store.ts';

/** What `createCollabServer` is given, and the settings it derives from it once. */

export interface CollabServerOptions {
	db: Kysely<Database>;
	/** SQLite: the raw handle the store writes through synchronously */
	sqlite?: BetterSqlite3.Database;
	/** PostgreSQL (when there is no `sqlite`): the pool the store writes through, and the re-check's queries (recheck-pg.ts) */
	postgres?: pg.Pool;
	rights?: RecheckSource;
	/** several nodes on one PostgreSQL database (cluster.ts): documents are written on the node's session and owned by one node at a time */
	cluster?: Cluster;
	logger: Logger;
	/** the app's origin; null accepts an Origin whose host equals the request's Host header */
	origin: string | null;
	sessionPolicy: SessionPolicy;
	/** largest accepted message in bytes; larger ones close the connection with 1009. Default 1 MiB. */
	maxPayload?: number;
	/**
	 * Called after committed changes, debounced per document (`projectionDelayMs`
	 * after the last change, at most `projectionMaxWaitMs` after the first), and
	 * for pending changes when the document is unloaded or the server closes.
	 * Read what you need from `doc` before your first await. Errors are logged.
	 */
	onDocumentChange?: (name: string, doc: Y.Doc, resource: DocResource) => void | Promise<void>;
	/** default 400 ms */
	projectionDelayMs?: number;
	/** default 2000 ms */
	projectionMaxWaitMs?: number;
	/** a document without connections is unloaded this long after the last one left. Default 3000 ms. */
	unloadDelayMs?: number;
	/** fold stored updates into the snapshot once a loaded document has this many (and they weigh as much as the snapshot). Default 500. */
	compactAfterUpdates?: number;
	/** compact right after loading a document that has at least this many stored updates. Default 50. */
	compactOnLoadAfter?: number;
	/** safety re-check of every open socket's session and rights. Default 3000 ms (at most 4000). */
	sweepIntervalMs?: number;
	/** per-connection token bucket. Default 300 messages/s, bursts of 1000. */
	rateLimit?: { messagesPerSecond: number; burst: number };
	/** awareness client ids one connection may own. Default 4. */
	maxAwarenessClients?: number;
	/** an awareness state larger than this (JSON characters) is dropped. Default 32 KiB. */
	maxAwarenessStateLength?: number;
	/** close a connection whose unsent data exceeds this. Default 16 MiB. */
	maxBufferedBytes?: number;
	/** open sockets one user may hold (all tabs and devices), and one session (one browser). Default 64 and 32. */
	maxConnectionsPerUser?: number;
	maxConnectionsPerSession?: number;
	/**
	 * A document whose broadcast took at least this long (ms) waits as long
	 * again before its next one, so busy documents batch more per broadcast.
	 * Default 0.5; Infinity turns pacing off.
	 */
	paceAfterMs?: number;
	/**
	 * WAL checkpoints run in a worker thread this often instead of inside a
	 * commit (checkpoint.ts). Default 0: left to SQLite (see checkpoint.ts why).
	 */
	checkpointIntervalMs?: number;
	/**
	 * Edits of one author further apart than this start a new editing session
	 * in the document's history (HISTORY_SESSION_GAP_MS). Default 5 minutes.
	 */
	historySessionGapMs?: number;
	/** a socket on a document of this plan opened or closed (who is there: CollabServer.present); called synchronously, must not throw */
	onPresenceChange?: (planId: string) => void;
	/** measurements for /metrics (seconds); called synchronously, must not throw */
	observe?: {
		commit?(seconds: number): void;
		broadcast?(seconds: number): void;
		close?(code: number, name: string): void;
		/** one slice of the socket re-check (sweep.ts), and how many sockets it checked */
		recheckSlice?(seconds: number, sockets: number): void;
		/** a WAL checkpoint of the worker (checkpoint.ts): frames in the WAL, frames copied */
		checkpoint?(frames: number, copied: number): void;
	};
}

/** The options with their defaults filled in; read by every part of the server. */
export interface CollabSettings {
	maxPayload: number;
	projectionDelayMs: number;
	projectionMaxWaitMs: number;
	unloadDelayMs: number;
	compactAfterUpdates: number;
	compactOnLoadAfter: number;
	sweepIntervalMs: number;
	messagesPerMs: number;
	burst: number;
	maxAwarenessClients: number;
	maxAwarenessStateLength: number;
	maxBufferedBytes: number;
	maxConnectionsPerUser: number;
	maxConnectionsPerSession: number;
	paceAfterMs: number;
	historySessionGapMs: number;
}

export function resolveSettings(options: CollabServerOptions): CollabSettings {
	return {
		maxPayload: options.maxPayload ?? 1024 * 1024,
		projectionDelayMs: options.projectionDelayMs ?? 400,
		projectionMaxWaitMs: options.projectionMaxWaitMs ?? 2000,
		unloadDelayMs: options.unloadDelayMs ?? 3000,
		compactAfterUpdates: options.compactAfterUpdates ?? 500,
		compactOnLoadAfter: options.compactOnLoadAfter ?? 50,
		sweepIntervalMs: Math.min(options.sweepIntervalMs ?? 3000, 4000),
		messagesPerMs: (options.rateLimit?.messagesPerSecond ?? 300) / 1000,
		burst: options.rateLimit?.burst ?? 1000,
		maxAwarenessClients: options.maxAwarenessClients ?? 4,
		maxAwarenessStateLength: options.maxAwarenessStateLength ?? 32 * 1024,
		maxBufferedBytes: options.maxBufferedBytes ?? 16 * 1024 * 1024,
		maxConnectionsPerUser: options.maxConnectionsPerUser ?? 64,
		maxConnectionsPerSession: options.maxConnectionsPerSession ?? 32,
		paceAfterMs: options.paceAfterMs ?? 0.5,
		historySessionGapMs: options.historySessionGapMs ?? DEFAULT_SESSION_GAP_MS
	};
}

import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import * as Y from 'yjs';
import type { Database } from '../../src/lib/server/schema.ts';
import { runPostgres, type Program } from './store-sql.ts';
import { collabStore, createStoreLogic, type AppendWrite, type Folded, type ReplaceOptions, type StoredDocument } from './store.ts';

/**
 * What the collaboration server asks of its database, one transaction per
 * call, on either dialect.
 *
 * SQLite answers synchronously (a value, never a promise): the server commits
 * between receiving an update and broadcasting it without yielding to the
 * event loop. PostgreSQL answers with a promise; its transactions run one at
 * a time, in the order asked, on one pooled connection each — as SQLite's
 * single connection orders them — so a compaction never interleaves with an
 * append of the same document. Either way "committed" means COMMIT returned.
 */

export type Maybe<T> = T | Promise<T>;

export interface DocumentStore {
	readonly dialect: 'sqlite' | 'postgres';
	read(name: string): Maybe<StoredDocument | null>;
	/** appends a flush's writes in one transaction; returns each write's document id */
	commit(writes: readonly AppendWrite[], gapMs: number): Maybe<number[]>;
	compact(docId: number, state: Uint8Array, uptoSeq: number, options: ReplaceOptions): Maybe<Folded>;
	/** writes the ends of the document's running history sessions (it is unloading) */
	release(docId: number): Maybe<void>;
	/** someone else's transaction is open on the store's connection (SQLite: the app shares the handle); wait before writing */
	busy(): boolean;
}

/** `then` without a turn of the event loop when `value` is already there (SQLite). */
export function andThen<T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> {
	return value instanceof Promise ? value.then(next) : next(value);
}

export function sqliteDocumentStore(sqlite: BetterSqlite3.Database): DocumentStore {
	const store = collabStore(sqlite);
	return {
		dialect: 'sqlite',
		read: (name) => store.read(name),
		commit: (writes, gapMs) => store.transaction(() => store.appendAll(writes, gapMs)),
		compact: (docId, state, uptoSeq, options) => store.transaction(() => store.replaceState(docId, state, uptoSeq, options)),
		release: (docId) => store.transaction(() => store.releaseHistory(docId)),
		busy: () => sqlite.inTransaction
	};
}

/** Where the PostgreSQL store gets a connection for each transaction. */
export interface PostgresConnections {
	/** `release(err)` gives it back; with an error, the connection is broken and must not be reused */
	acquire(): Promise<{ client: pg.ClientBase; release(err?: Error): void }>;
}

export function poolConnections(pool: pg.Pool): PostgresConnections {
	return {
		async acquire() {
			const client = await pool.connect();
			return { client, release: (err) => client.release(err) };
		}
	};
}

export interface PostgresDocumentStore extends DocumentStore {
	/** runs `fn` on a connection of the store, in order with its transactions (the cluster's ownership locks) */
	exclusive<T>(fn: (client: pg.ClientBase) => Promise<T>): Promise<T>;
}

const stores = new WeakMap<object, PostgresDocumentStore>();

/**
 * The store on PostgreSQL: on a pool (one node), or on the one connection of
 * a cluster node (cluster.ts), whose session also holds the node's ownership
 * locks — so when that connection is gone, so is every right to write.
 */
export function postgresDocumentStore(source: pg.Pool | PostgresConnections): PostgresDocumentStore {
	const cached = stores.get(source);
	if (cached) return cached;
	const connections = 'acquire' in source ? source : poolConnections(source);
	const logic = createStoreLogic();
	let queue: Promise<unknown> = Promise.resolve();

	/** Runs `fn` on a connection of its own, after everything asked for before it. */
	function exclusive<T>(fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
		const run = async (): Promise<T> => {
			const { client, release } = await connections.acquire();
			let broken: Error | undefined;
			try {
				return await fn(client);
			} catch (err) {
				if (isConnectionError(err)) broken = err instanceof Error ? err : new Error(String(err));
				throw err;
			} finally {
				release(broken);
			}
		};
		const result = queue.then(run, run);
		queue = result.catch(() => {});
		return result;
	}

	/** Runs `program` in its own transaction. */
	function transaction<T>(program: () => Program<T>, begin = 'BEGIN'): Promise<T> {
		return exclusive(async (client) => {
			await client.query(begin);
			try {
				const result = await runPostgres(client, program());
				await client.query('COMMIT');
				return result;
			} catch (err) {
				logic.forget();
				// a ROLLBACK that fails means the connection is gone: its error says so (and marks it broken)
				await client.query('ROLLBACK');
				throw err;
			}
		});
	}

	const store: PostgresDocumentStore = {
		dialect: 'postgres',
		// one snapshot for the document row and its updates
		read: (name) => transaction(() => logic.read(name), 'BEGIN ISOLATION LEVEL REPEATABLE READ'),
		commit: (writes, gapMs) => transaction(() => logic.appendAll(writes, gapMs)),
		compact: (docId, state, uptoSeq, options) => transaction(() => logic.replaceState(docId, state, uptoSeq, options)),
		release: (docId) => transaction(() => logic.releaseHistory(docId)),
		busy: () => false,
		exclusive
	};
	stores.set(source, store);
	return store;
}

/** An error of the connection itself (not of a statement), after which the client must not be reused. */
export function isConnectionError(err: unknown): boolean {
	const code = (err as { code?: string } | null)?.code;
	if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code.startsWith('08') || code.startsWith('57P');
	// no SQLSTATE: a socket error (ECONNRESET, EPIPE) or pg's own ("Connection terminated")
	return typeof code === 'string' || /connection|terminated|not queryable/i.test(String((err as Error | null)?.message));
}

/**
 * `writeInitialState` (store.ts) through Kysely, for PostgreSQL: inside the
 * caller's transaction when `db` is one (the demo seeding). Stores `update`
 * as a new document's snapshot; a document that has content already keeps
 * it (returns false). Throws when `update` is not a valid Yjs update.
 */
export async function writeInitialStateDb(db: Kysely<Database>, name: string, update: Uint8Array): Promise<boolean> {
	const doc = new Y.Doc();
	let state: Buffer;
	try {
		Y.applyUpdate(doc, update);
		state = Buffer.from(Y.encodeStateAsUpdate(doc));
	} finally {
		doc.destroy();
	}
	const now = Date.now();
	const inserted = await db
		.insertInto('collab_documents')
		// the id is generated (the table's type lists it as always present)
		.values({ name, state, compacted_at: now } as never)
		.onConflict((oc) => oc.column('name').doNothing())
		.returning('id')
		.executeTakeFirst();
	if (inserted) return true;
	// a row without content (a document opened before it was written): fill it
	const filled = await db
		.updateTable('collab_documents')
		.set({ state, compacted_at: now })
		.where('name', '=', name)
		.where('state', 'is', null)
		.where('head_state', 'is', null)
		.where(({ not, exists, selectFrom, ref }) =>
			not(exists(selectFrom('collab_updates').select(sql`1`.as('one')).where('collab_updates.doc_id', '=', ref('collab_documents.id'))))
		)
		.executeTakeFirst();
	return Number(filled.numUpdatedRows) > 0;
}

import Sqlite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/**
 * Which database Kring runs on: SQLite (the default, DATABASE_PATH) or
 * PostgreSQL (DATABASE_URL=postgres://… or postgresql://…, which wins).
 */
export type DatabaseTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export interface OpenedDatabase {
	dialect: 'sqlite';
	db: Db;
	/** the raw handle, for synchronous hot paths (the collaboration store) */
	sqlite: Sqlite.Database;
}

export interface OpenedPostgres {
	dialect: 'postgres';
	db: Db;
	pool: pg.Pool;
}

/** An open database of either dialect; `dialect` says which, and what else it carries. */
export type DatabaseHandle = OpenedDatabase | OpenedPostgres;

/** True when `db` talks to PostgreSQL: for the few queries that differ per dialect. */
export function isPostgres(db: Kysely<any>): boolean {
	return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** True for a URL that DATABASE_URL accepts: postgres:// or postgresql:// (a unix-socket host allowed, `?host=/dir`). */
export function isPostgresUrl(url: string): boolean {
	return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Page size of a new database file. Every commit writes each page it changed
 * to the WAL in full, and the collaboration server commits every small update
 * (~100 bytes) on its own before broadcasting it: with 1 KiB pages that is
 * about 1 KiB written per edit instead of 4 KiB (docs/benchmarks.md, "Bytes
 * per edit"). Reads of the plan pages cost the same either way at Kring's
 * sizes. An existing file keeps its page size (SQLite changes it only by a
 * VACUUM outside WAL mode; docs/operations.md says how).
 */
export const NEW_DATABASE_PAGE_SIZE = 1024;

/**
 * Opens (and creates) the SQLite file with the settings every connection needs:
 * WAL so readers never block the writer, foreign keys enforced, and a busy
 * timeout so a concurrent writer waits instead of failing.
 */
export function openDatabase(path: string): OpenedDatabase {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const sqlite = new Sqlite(path);
	// only takes effect on a file without pages yet (before WAL mode writes the header)
	if (sqlite.pragma('page_count', { simple: true }) === 0) sqlite.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = NORMAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }) });
	return { dialect: 'sqlite', db, sqlite };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * pg returns bigint (counts, millisecond times) and numeric (sums of bigints)
 * as strings, because they may exceed 2^53. Kring's are times, counts and
 * euro amounts far below that, and the domain code expects numbers, as
 * SQLite gives them.
 */
export const numberTypes = {
	getTypeParser(oid: number, format?: 'text' | 'binary') {
		if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
		return pg.types.getTypeParser(oid, format);
	}
} as pg.CustomTypesConfig;

/** Opens a pool to the PostgreSQL database at `url`. Nothing is sent until the first query. */
export function openPostgres(url: string, options: { max?: number } = {}): OpenedPostgres {
	const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: numberTypes });
	// an idle connection that the server ends (restart, failover) is dropped by the pool; without a
	// listener its error would end the process. The next query opens a fresh connection.
	pool.on('error', () => {});
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
	return { dialect: 'postgres', db, pool };
}

/** Opens the database that `target` names. `db.destroy()` closes either kind. */
export function openTarget(target: DatabaseTarget): DatabaseHandle {
	return target.dialect === 'postgres' ? openPostgres(target.url) : openDatabase(target.path);
}

/** Statements kept per handle; Kysely's queries are built from a few hundred shapes. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * The handle as Kysely's SQLite driver sees it, with each SQL text prepared
 * once: the driver calls `prepare` for every query, which parses and plans
 * the SQL again each time (several µs per query on the hot paths: sessions,
 * rights, the projection). Least recently used statements are dropped past
 * STATEMENT_CACHE_SIZE. Safe because the driver runs one query at a time on
 * this connection (its mutex), and SQLite re-prepares a statement itself
 * after a schema change.
 */
function preparedOnce(sqlite: Sqlite.Database): SqliteDatabase {
	const statements = new Map<string, Sqlite.Statement>();
	return {
		close: () => sqlite.close(),
		prepare(sql: string) {
			let statement = statements.get(sql);
			if (statement) {
				statements.delete(sql);
			} else {
				statement = sqlite.prepare(sql);
				if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
			}
			statements.set(sql, statement);
			return statement;
		}
	};
}

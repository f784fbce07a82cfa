import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface OpenedDatabase {
	db: Db;
	/** the raw handle, for synchronous hot paths (the collaboration store) */
	sqlite: Sqlite.Database;
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
	return { db, sqlite };
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

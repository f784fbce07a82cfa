import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
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
 * Opens (and creates) the SQLite file with the settings every connection needs:
 * WAL so readers never block the writer, foreign keys enforced, and a busy
 * timeout so a concurrent writer waits instead of failing.
 */
export function openDatabase(path: string): OpenedDatabase {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const sqlite = new Sqlite(path);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = NORMAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
	return { db, sqlite };
}

import type Sqlite from 'better-sqlite3';

/**
 * The SQLite schema as text: every table, index, trigger and view from
 * sqlite_master (Kysely's own bookkeeping tables left out), whitespace
 * collapsed, in name order. Used to prove that portable migrations still
 * build exactly the schema that existing SQLite databases have.
 */
export function sqliteSchema(sqlite: Sqlite.Database): string {
	const rows = sqlite
		.prepare(`select type, name, tbl_name, sql from sqlite_master where name not like 'kysely_%' and sql is not null order by name, type`)
		.all() as { type: string; name: string; tbl_name: string; sql: string }[];
	return rows.map((r) => `${r.type} ${r.name} on ${r.tbl_name}: ${r.sql.replace(/\s+/g, ' ').trim()}`).join('\n') + '\n';
}

import { sql, type ColumnDataType, type ColumnDefinitionBuilder, type Kysely, type RawBuilder } from 'kysely';
import { isPostgres } from '../../src/lib/server/db.ts';

export { isPostgres };

/**
 * What the migrations need to run on SQLite (the default) and PostgreSQL 15
 * (DATABASE_URL, issue 18). On SQLite every helper gives exactly the type or
 * clause the migrations used before they were made portable, so a fresh SQLite
 * database gets the schema existing ones have (migrations/sqlite-schema.test.ts).
 */

/** A 64-bit integer (millisecond times, euro amounts): SQLite's integer is 64-bit already, PostgreSQL's is 32-bit. */
export function bigint(db: Kysely<any>): ColumnDataType {
	return isPostgres(db) ? 'bigint' : 'integer';
}

/** A floating-point number (positions, indicator values): PostgreSQL's `real` is only 4 bytes. */
export function double(db: Kysely<any>): ColumnDataType {
	return isPostgres(db) ? 'double precision' : 'real';
}

/** Bytes (Yjs updates and snapshots). */
export function blob(db: Kysely<any>): ColumnDataType {
	return isPostgres(db) ? 'bytea' : 'blob';
}

/** The current time in milliseconds since 1970, as a column default. */
export function nowMs(db: Kysely<any>): RawBuilder<number> {
	return isPostgres(db) ? sql`(floor(extract(epoch from now()) * 1000)::bigint)` : sql`(unixepoch() * 1000)`;
}

/**
 * An integer key the database fills in: SQLite's INTEGER PRIMARY KEY (the
 * rowid; with AUTOINCREMENT a key is never used twice), PostgreSQL's identity
 * column. Use as `.addColumn('id', ...generatedId(db))`.
 */
export function generatedId(
	db: Kysely<any>,
	options: { neverReuse?: boolean } = {}
): [ColumnDataType, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
	if (isPostgres(db)) return ['bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity()];
	return ['integer', (c) => (options.neverReuse ? c.primaryKey().autoIncrement() : c.primaryKey())];
}

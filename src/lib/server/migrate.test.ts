import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDownToEmpty, migrateToLatest } from './migrate.ts';
import { createTestDatabase, MIGRATIONS_DIR, onSqlite, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
afterEach(async () => t?.close());

async function tables(t: TestDatabase): Promise<string[]> {
	const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(t.db);
	return rows.map((r) => r.name).sort();
}

// SQLite's catalogue and pragmas; PostgreSQL's schema is checked by migrations/postgres.pg-test.ts
describe.skipIf(!onSqlite)('migrations', () => {
	it('create every table on an empty database', async () => {
		t = await createTestDatabase({ migrate: false });
		await migrateToLatest(t.db, MIGRATIONS_DIR);
		expect(await tables(t)).toEqual(
			expect.arrayContaining(['users', 'sessions', 'regions', 'municipalities', 'region_memberships', 'municipality_memberships', 'login_throttle', 'plans', 'themes', 'actions'])
		);
	});

	it('go down again to an empty database', async () => {
		t = await createTestDatabase();
		await migrateDownToEmpty(t.db, MIGRATIONS_DIR);
		expect(await tables(t)).toEqual([]);
	});

	it('are idempotent: a second run applies nothing', async () => {
		t = await createTestDatabase();
		const again = await migrateToLatest(t.db, MIGRATIONS_DIR);
		expect(again.results).toEqual([]);
	});

	it('turn on WAL and foreign keys', async () => {
		t = await createTestDatabase();
		expect(t.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(t.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
	});
});

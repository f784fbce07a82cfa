import { mkdtempSync, rmSync, writeFileSync, readdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkReadiness, isDraining, migrationNames, resetDrainingForTests, setDraining } from './readiness.ts';
import { createTestDatabase, MIGRATIONS_DIR, onSqlite, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
beforeEach(async () => {
	resetDrainingForTests();
	t = await createTestDatabase();
});
afterEach(async () => {
	resetDrainingForTests();
	await t.close();
});

describe('readiness', () => {
	it('is ready with every migration of the folder applied', async () => {
		expect(await checkReadiness(t.db, MIGRATIONS_DIR)).toEqual({ ready: true });
	});

	it('names the migrations the database lacks', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'kring-migrations-'));
		try {
			for (const f of readdirSync(MIGRATIONS_DIR)) if (f.endsWith('.ts') && !f.endsWith('.test.ts')) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
			writeFileSync(join(dir, '9999_not_applied_yet.ts'), 'export async function up() {}\n');
			writeFileSync(join(dir, 'README.md'), 'not a migration');
			expect(await checkReadiness(t.db, dir)).toEqual({ ready: false, reason: 'migrations', pending: ['9999_not_applied_yet'] });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('is not ready on a database that was never migrated', async () => {
		const empty = await createTestDatabase({ migrate: false });
		try {
			const readiness = await checkReadiness(empty.db, MIGRATIONS_DIR);
			expect(readiness).toMatchObject({ ready: false, reason: 'migrations' });
			expect(readiness.ready === false && readiness.pending).toEqual(await migrationNames(MIGRATIONS_DIR));
		} finally {
			await empty.close();
		}
	});

	it.skipIf(!onSqlite)('is not ready when the database does not answer', async () => {
		const gone = await createTestDatabase();
		gone.sqlite.close();
		try {
			expect(await checkReadiness(gone.db, MIGRATIONS_DIR)).toEqual({ ready: false, reason: 'database' });
		} finally {
			await gone.close().catch(() => {});
		}
	});

	it('is not ready once draining, and the flag is shared through globalThis', async () => {
		expect(isDraining()).toBe(false);
		setDraining();
		expect(isDraining()).toBe(true);
		expect((globalThis as Record<symbol, unknown>)[Symbol.for('kring.draining')]).toBe(true);
		expect(await checkReadiness(t.db, MIGRATIONS_DIR)).toEqual({ ready: false, reason: 'draining' });
	});

	it('reads migration names as the migrator does', async () => {
		const names = await migrationNames(MIGRATIONS_DIR);
		expect(names[0]).toBe('0001_users_and_sessions');
		expect(names.every((n) => /^\d{4}_[a-z0-9_]+$/.test(n))).toBe(true);
		expect(names.some((n) => n.endsWith('.test'))).toBe(false);
	});
});

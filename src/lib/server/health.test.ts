import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkHealth, isStorageError } from './health.ts';
import { createTestDatabase, onSqlite, type TestDatabase } from './test-db.ts';
import { createUser } from './user.ts';

let t: TestDatabase;
beforeEach(async () => (t = await createTestDatabase()));
afterEach(async () => t.close());

/** The database file may not grow any more: SQLite answers SQLITE_FULL, as on a full disk. */
function fillDisk(): void {
	t.sqlite.pragma('wal_checkpoint(TRUNCATE)');
	const pages = t.sqlite.pragma('page_count', { simple: true }) as number;
	t.sqlite.pragma(`max_page_count = ${pages}`);
}

describe('health', () => {
	it('report ok while the database can save', async () => {
		expect(await checkHealth(t.db)).toEqual({ ok: true });
	});

	// the disk and the file are SQLite's (PostgreSQL's server reports its own)
	it.skipIf(!onSqlite)('report a storage failure while writes fail on a full disk', async () => {
		fillDisk();
		// Writes that need new pages now fail, as they would on a full disk.
		let failure: unknown;
		try {
			for (let i = 0; i < 200; i++) await createUser(t.db, { email: `p${i}@example.nl`, name: 'x'.repeat(2000), password: null });
		} catch (err) {
			failure = err;
		}
		expect(isStorageError(failure)).toBe(true);
		const health = await checkHealth(t.db, Date.now());
		// The probe row itself may still fit in an existing page; what matters is the next write that needs space.
		if (health.ok) {
			await expect(createUser(t.db, { email: 'nog@example.nl', name: 'y'.repeat(4000), password: null })).rejects.toMatchObject({ code: 'SQLITE_FULL' });
		} else {
			expect(health).toMatchObject({ ok: false, reason: 'storage' });
		}
	});

	it.skipIf(!onSqlite)('report a storage failure on a read-only database', async () => {
		t.sqlite.pragma('query_only = ON');
		expect(await checkHealth(t.db)).toMatchObject({ ok: false, reason: 'storage', code: expect.stringMatching(/^SQLITE_READONLY/) });
	});
});

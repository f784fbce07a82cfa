import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/lib/server/test-db.ts';
import { sqliteSchema } from './sqlite-schema.ts';

/**
 * fixtures/sqlite-schema.txt was written from the migrations as they were
 * before they were made portable (PostgreSQL, issue 18). Existing SQLite
 * databases have that schema; a fresh one must get exactly the same.
 */
const FIXTURE = new URL('./fixtures/sqlite-schema.txt', import.meta.url);

let t: TestDatabase | undefined;
afterEach(async () => {
	await t?.close();
	t = undefined;
});

describe('SQLite schema', () => {
	it('is the same as before the migrations were made portable', async () => {
		t = await createTestDatabase();
		expect(sqliteSchema(t.sqlite)).toBe(readFileSync(FIXTURE, 'utf8'));
	});
});

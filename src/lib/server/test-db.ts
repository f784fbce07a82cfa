import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type OpenedDatabase } from './db.ts';
import { migrateToLatest } from './migrate.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** false in the PostgreSQL run of the domain suites (KRING_TEST_DATABASE=postgres): for tests of SQLite itself */
export const onSqlite = process.env.KRING_TEST_DATABASE !== 'postgres';

export interface TestDatabase extends OpenedDatabase {
	path: string;
	close(): Promise<void>;
}

/**
 * A real SQLite file in a fresh temporary folder, migrated to the latest schema. For tests only.
 * KRING_TEST_DATABASE=postgres: a fresh PostgreSQL database instead (server/testing/postgres-test-db.ts).
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
	if (process.env.KRING_TEST_DATABASE === 'postgres') {
		const { createPostgresTestDatabase } = await import('../../../server/testing/postgres-test-db.ts');
		return createPostgresTestDatabase(options);
	}
	const dir = mkdtempSync(join(tmpdir(), 'kring-test-'));
	const path = join(dir, 'kring.db');
	const opened = openDatabase(path);
	if (options.migrate !== false) await migrateToLatest(opened.db, MIGRATIONS_DIR);
	return {
		...opened,
		path,
		async close() {
			await opened.db.destroy();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

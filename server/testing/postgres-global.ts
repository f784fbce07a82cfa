import type { TestProject } from 'vitest/node';
import { openPostgres } from '../../src/lib/server/db.ts';
import { migrateToLatest } from '../../src/lib/server/migrate.ts';
import { MIGRATIONS_DIR } from '../../src/lib/server/test-db.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';

/**
 * Vitest global setup of the domain suites on PostgreSQL
 * (KRING_TEST_DATABASE=postgres, vite.config.ts): one server for the whole
 * run, with the migrated schema in a template database, instead of an initdb
 * and 36 migrations in every test file's process. Test files get the
 * server's socket URL through `inject('kringPostgres')`
 * (postgres-test-db.ts), and copy the template for each test.
 */

declare module 'vitest' {
	export interface ProvidedContext {
		/** `url` names the database `postgres`; a test database's URL swaps that name */
		kringPostgres: { url: string; template: string };
	}
}

let server: TestPostgres | undefined;

export async function setup(project: TestProject): Promise<void> {
	server = await startPostgres();
	const url = await server.createDatabase('kring_template');
	const template = openPostgres(url, { max: 1 });
	await migrateToLatest(template.db, MIGRATIONS_DIR);
	await template.db.destroy();
	project.provide('kringPostgres', { url: server.url('postgres'), template: 'kring_template' });
}

export async function teardown(): Promise<void> {
	await server?.stop();
}

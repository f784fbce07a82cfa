import pg from 'pg';
import { openPostgres } from '../../src/lib/server/db.ts';
import { migrateToLatest } from '../../src/lib/server/migrate.ts';
import type { TestDatabase } from '../../src/lib/server/test-db.ts';
import { MIGRATIONS_DIR } from '../../src/lib/server/test-db.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';

/**
 * createTestDatabase() on PostgreSQL, for KRING_TEST_DATABASE=postgres: runs
 * the existing domain suites against PostgreSQL to see what is ported
 * (docs/scaling.md, "Porting status"). One server per test process, stopped
 * when the process exits; the migrated schema is built once into a template
 * database and copied for each test (CREATE DATABASE … TEMPLATE), dropped
 * again on close(). A test that reaches for the raw SQLite handle (`t.sqlite`)
 * fails with a message saying so.
 */

let shared: Promise<{ server: TestPostgres; template: string }> | undefined;
let created = 0;

async function start(): Promise<{ server: TestPostgres; template: string }> {
	const server = await startPostgres();
	const url = await server.createDatabase('kring_template');
	const template = openPostgres(url, { max: 1 });
	await migrateToLatest(template.db, MIGRATIONS_DIR);
	await template.db.destroy();
	return { server, template: 'kring_template' };
}

async function admin<T>(server: TestPostgres, fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: server.url('postgres') });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

export async function createPostgresTestDatabase(options: { migrate?: boolean }): Promise<TestDatabase> {
	shared ??= start();
	const { server, template } = await shared;
	const name = `kring_t${process.pid}_${++created}`;
	await admin(server, (c) => c.query(`create database ${name}${options.migrate === false ? '' : ` template ${template}`}`));
	const opened = openPostgres(server.url(name));
	const database = {
		...opened,
		path: server.url(name),
		get sqlite(): never {
			throw new Error('this test uses the raw SQLite handle (t.sqlite), which a PostgreSQL test database does not have');
		},
		async close() {
			await opened.db.destroy();
			await admin(server, (c) => c.query(`drop database if exists ${name}`));
		}
	};
	return database as unknown as TestDatabase;
}

import pg from 'pg';
import { inject } from 'vitest';
import { openPostgres } from '../../src/lib/server/db.ts';
import { migrateToLatest } from '../../src/lib/server/migrate.ts';
import type { TestDatabase } from '../../src/lib/server/test-db.ts';
import { MIGRATIONS_DIR } from '../../src/lib/server/test-db.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';

/**
 * createTestDatabase() on PostgreSQL, for KRING_TEST_DATABASE=postgres: runs
 * the existing domain suites against PostgreSQL to see what is ported
 * (docs/scaling.md, "Porting status"). One server for the whole run, started
 * with the migrated schema in a template database by postgres-global.ts (the
 * global setup in vite.config.ts); without it, one server per test process.
 * Each test copies the template (CREATE DATABASE … TEMPLATE) and drops its
 * copy again on close(). A test that reaches for the raw SQLite handle (`t.sqlite`)
 * fails with a message saying so.
 */

type Server = Pick<TestPostgres, 'url'>;
let shared: Promise<{ server: Server; template: string }> | undefined;
let created = 0;

async function start(): Promise<{ server: Server; template: string }> {
	const provided = inject('kringPostgres');
	if (provided) {
		// postgresql://user@/postgres?host=… (a socket URL WHATWG's URL cannot parse): swap the database name
		const url = (database: string) => provided.url.replace(/\/postgres\?/, `/${database}?`);
		return { server: { url }, template: provided.template };
	}
	const server = await startPostgres();
	const url = await server.createDatabase('kring_template');
	const template = openPostgres(url, { max: 1 });
	await migrateToLatest(template.db, MIGRATIONS_DIR);
	await template.db.destroy();
	return { server, template: 'kring_template' };
}

async function admin<T>(server: Server, fn: (client: pg.Client) => Promise<T>): Promise<T> {
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

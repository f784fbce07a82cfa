import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { openPostgres } from '../src/lib/server/db.ts';
import { migrateDownToEmpty, migrateToLatest } from '../src/lib/server/migrate.ts';
import { createTestDatabase, MIGRATIONS_DIR } from '../src/lib/server/test-db.ts';
import { describeOnPostgres } from '../server/testing/postgres-suite.ts';

/** SQLite tables that exist only for FTS5 (PostgreSQL's search_index is one plain table with a tsvector). */
const SQLITE_ONLY = /^(search_docs|search_index_(data|idx|content|docsize|config))$/;

type Columns = Record<string, string[]>;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function runMigrate(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, ['--import', 'tsx', 'server/migrate.ts'], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
			resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
		);
	});
}

/** every column, generated ones too (table_xinfo: collab_updates' virtual doc_id and seq) */
async function sqliteColumns(): Promise<Columns> {
	const t = await createTestDatabase();
	try {
		const tables = (t.sqlite.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`).pluck().all() as string[]).filter(
			(name) => !SQLITE_ONLY.test(name)
		);
		return Object.fromEntries(tables.map((name) => [name, (t.sqlite.pragma(`table_xinfo(${name})`) as { name: string; hidden: number }[]).filter((c) => c.hidden !== 1).map((c) => c.name).sort()]));
	} finally {
		await t.close();
	}
}

async function postgresColumns(db: Kysely<any>): Promise<{ columns: Columns; types: Record<string, string> }> {
	const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
		select table_name, column_name, data_type from information_schema.columns
		where table_schema = 'public' and table_name not like 'kysely_%'`.execute(db);
	const columns: Columns = {};
	const types: Record<string, string> = {};
	for (const r of rows) {
		(columns[r.table_name] ??= []).push(r.column_name);
		types[`${r.table_name}.${r.column_name}`] = r.data_type;
	}
	for (const list of Object.values(columns)) list.sort();
	return { columns, types };
}

describeOnPostgres('migrations on PostgreSQL 15', (pg) => {

	it('create every table and column that SQLite gets (search_index with a tsvector instead of FTS5, collab_nodes and collab_presence)', async () => {
		const expected = await sqliteColumns();
		expected.search_index = [...expected.search_index, 'document'].sort();
		// the nodes of a cluster (migration 0035): several nodes exist only on PostgreSQL
		expected.collab_nodes = ['backend_pid', 'node_id', 'seen_at', 'url'];
		// who is on which document, per node (migration 0036)
		expected.collab_presence = ['color', 'document', 'name', 'node_id', 'plan_id', 'user_id'];
		const { columns } = await postgresColumns(pg().database.db);
		expect(Object.keys(columns).sort()).toEqual(Object.keys(expected).sort());
		expect(columns).toEqual(expected);
	});

	it('store millisecond times as bigint, positions as double precision, Yjs bytes as bytea', async () => {
		const { types } = await postgresColumns(pg().database.db);
		const times = Object.entries(types).filter(([column]) => /_at$/.test(column));
		expect(times.length).toBeGreaterThan(50);
		for (const [column, type] of times) expect({ column, type }).toEqual({ column, type: 'bigint' });
		for (const column of ['chapters.position', 'themes.position', 'actions.position', 'council_responses.position', 'indicator_values.value']) {
			expect({ column, type: types[column] }).toEqual({ column, type: 'double precision' });
		}
		for (const column of ['collab_documents.state', 'collab_updates.data', 'collab_history.snapshot']) expect({ column, type: types[column] }).toEqual({ column, type: 'bytea' });
	});

	it('fill in generated keys and the membership time default', async () => {
		const db = pg().database.db;
		// the collaboration store inserts documents by name alone (server/collab/store.ts)
		const { rows } = await sql<{ id: number }>`insert into collab_documents (name) values ('probe') returning id`.execute(db);
		expect(rows).toEqual([{ id: 1 }]);
		const audit = await db.insertInto('audit_log').values({ at: 1, action: 'probe', result: 'success' }).returning('id').executeTakeFirstOrThrow();
		expect(audit.id).toBeGreaterThan(0);
		await db.insertInto('users').values({ id: 'u', email: 'u@example.nl', name: 'U', color: '#000', created_at: Date.now() }).execute();
		await db.insertInto('regions').values({ id: 'r', slug: 'r', name: 'R' }).execute();
		const before = Date.now();
		await db.insertInto('region_memberships').values({ user_id: 'u', region_id: 'r', role: 'viewer' }).execute();
		const { created_at } = await db.selectFrom('region_memberships').select('created_at').executeTakeFirstOrThrow();
		expect(created_at).toBeGreaterThanOrEqual(before - 1000);
		expect(created_at).toBeLessThanOrEqual(Date.now() + 1000);
	});

	it('are idempotent, go down to an empty database and up again', async () => {
		expect((await migrateToLatest(pg().database.db, MIGRATIONS_DIR)).results).toEqual([]);
		const fresh = openPostgres(await pg().server.createDatabase());
		try {
			await migrateToLatest(fresh.db, MIGRATIONS_DIR);
			await migrateDownToEmpty(fresh.db, MIGRATIONS_DIR);
			expect(Object.keys((await postgresColumns(fresh.db)).columns)).toEqual([]);
			const again = await migrateToLatest(fresh.db, MIGRATIONS_DIR);
			expect(again.results?.every((r) => r.status === 'Success')).toBe(true);
		} finally {
			await fresh.db.destroy();
		}
	});
});

describeOnPostgres('npm run migrate with DATABASE_URL', (pg) => {
	it('brings a PostgreSQL database to the latest schema, and then says it is up to date', async () => {
		const url = await pg().server.createDatabase('migrate_cli');
		const run = () => runMigrate({ DATABASE_URL: url, DATABASE_PATH: '/nonexistent/kring.db' });
		const first = await run();
		expect(first.code).toBe(0);
		expect(first.stdout).toContain('Success: 0001_users_and_sessions');
		expect(first.stdout).toContain('Success: 0027_checkins');
		expect(await run()).toMatchObject({ code: 0, stdout: 'Database is up to date.\n' });
	});
});

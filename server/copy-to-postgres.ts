import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Sqlite from 'better-sqlite3';
import type pg from 'pg';
import * as Y from 'yjs';
import { openDatabase, openPostgres, isPostgresUrl } from '../src/lib/server/db.ts';
import { migrateToLatest } from '../src/lib/server/migrate.ts';
import { collabStore, docFromStored } from './collab/store.ts';
import { postgresDocumentStore } from './collab/document-store.ts';

/**
 * `npm run copy-to-postgres -- <kring.db>`: copies an existing SQLite
 * database into the empty PostgreSQL database at DATABASE_URL (issue 18,
 * docs/scaling.md "Moving from SQLite").
 *
 * The target is migrated to the latest schema first; the source must be at
 * the same migration (start Kring on it once, or `npm run migrate`). Every
 * table is copied in the order its foreign keys need (rows that point to
 * rows of their own table after those), in one transaction: a failure leaves
 * the target empty. PostgreSQL builds its search index itself (triggers);
 * generated columns are left to it; identity sequences continue after the
 * highest copied id. Then it checks: the row count of every table, and every
 * collaborative document loaded from both with the same content. Kring must
 * not be running on the SQLite file meanwhile (stop it, or copy a backup).
 */

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
/** SQLite-only tables: FTS5's, Kysely's migration bookkeeping (the target has its own) */
const SKIP = /^(sqlite_|kysely_|search_docs$|search_index)/;
const BATCH = 500;

export interface CopyReport {
	tables: Array<{ table: string; rows: number }>;
	documents: number;
}

interface Column {
	name: string;
	/** PostgreSQL fills it (generated always) */
	generated: boolean;
	identity: boolean;
	bytea: boolean;
}

async function targetColumns(client: pg.PoolClient): Promise<Map<string, Column[]>> {
	const { rows } = await client.query<{ table_name: string; column_name: string; is_generated: string; is_identity: string; data_type: string }>(
		`SELECT table_name, column_name, is_generated, is_identity, data_type FROM information_schema.columns
		 WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`
	);
	const out = new Map<string, Column[]>();
	for (const r of rows) {
		let list = out.get(r.table_name);
		if (!list) out.set(r.table_name, (list = []));
		list.push({ name: r.column_name, generated: r.is_generated === 'ALWAYS', identity: r.is_identity === 'YES', bytea: r.data_type === 'bytea' });
	}
	return out;
}

/** Tables in an order where each comes after the tables it references. */
async function insertOrder(client: pg.PoolClient, tables: string[]): Promise<{ order: string[]; selfRefs: Map<string, Array<[column: string, target: string]>> }> {
	const { rows } = await client.query<{ child: string; parent: string; child_column: string; parent_column: string }>(
		`SELECT tc.table_name AS child, ccu.table_name AS parent, kcu.column_name AS child_column, ccu.column_name AS parent_column
		 FROM information_schema.table_constraints tc
		 JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
		 JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
		 WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'`
	);
	const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
	const selfRefs = new Map<string, Array<[string, string]>>();
	for (const r of rows) {
		if (r.child === r.parent) {
			const list = selfRefs.get(r.child) ?? [];
			list.push([r.child_column, r.parent_column]);
			selfRefs.set(r.child, list);
		} else parents.get(r.child)?.add(r.parent);
	}
	const order: string[] = [];
	const placed = new Set<string>();
	while (order.length < tables.length) {
		const ready = tables.filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p) || !parents.has(p)));
		if (ready.length === 0) throw new Error(`foreign keys form a cycle among: ${tables.filter((t) => !placed.has(t)).join(', ')}`);
		for (const t of ready) {
			order.push(t);
			placed.add(t);
		}
	}
	return { order, selfRefs };
}

/** Rows whose self-references point to rows placed before them (a predecessor before its successor). */
function selfOrdered(rows: Record<string, unknown>[], refs: Array<[string, string]>): Record<string, unknown>[] {
	const out: Record<string, unknown>[] = [];
	const present = new Map<string, Set<unknown>>(refs.map(([, target]) => [target, new Set()]));
	let left = rows;
	while (left.length > 0) {
		const next: Record<string, unknown>[] = [];
		for (const row of left) {
			const ready = refs.every(([column, target]) => row[column] === null || row[column] === undefined || present.get(target)!.has(row[column]));
			if (!ready) {
				next.push(row);
				continue;
			}
			out.push(row);
			for (const [, target] of refs) present.get(target)!.add(row[target]);
		}
		// references to rows that do not exist: the foreign key will say so
		if (next.length === left.length) return [...out, ...next];
		left = next;
	}
	return out;
}

export async function copyToPostgres(sqlitePath: string, databaseUrl: string): Promise<CopyReport> {
	if (!existsSync(sqlitePath)) throw new Error(`no SQLite database at ${sqlitePath}`);
	const source = openDatabase(sqlitePath);
	const target = openPostgres(databaseUrl, { max: 2 });
	try {
		await migrateToLatest(target.db, MIGRATIONS_DIR);
		const sourceMigrations = source.sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all() as string[];
		const targetMigrations = (await target.pool.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')).rows.map((r) => r.name);
		if (sourceMigrations.join() !== targetMigrations.join()) {
			throw new Error(`the SQLite file is at migration ${sourceMigrations.at(-1) ?? 'none'}, this Kring at ${targetMigrations.at(-1)}: run \`npm run migrate\` on it first`);
		}
		const tables = (source.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter((t) => !SKIP.test(t));
		const client = await target.pool.connect();
		const report: CopyReport = { tables: [], documents: 0 };
		try {
			const columns = await targetColumns(client);
			for (const table of tables) {
				if (!columns.has(table)) throw new Error(`table ${table} of the SQLite file does not exist on PostgreSQL`);
				const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${table}) AS filled`);
				if (rows[0].filled) throw new Error(`the PostgreSQL database is not empty (table ${table} has rows): copy into a new, empty database`);
			}
			const { order, selfRefs } = await insertOrder(client, tables);
			await client.query('BEGIN');
			for (const table of order) report.tables.push({ table, rows: await copyTable(source.sqlite, client, table, columns.get(table)!, selfRefs.get(table)) });
			await client.query('COMMIT');
		} catch (err) {
			await client.query('ROLLBACK').catch(() => {});
			throw err;
		} finally {
			client.release();
		}
		await verify(source.sqlite, target.pool, report);
		return report;
	} finally {
		source.sqlite.close();
		await target.db.destroy();
	}
}

async function copyTable(sqlite: Sqlite.Database, client: pg.PoolClient, table: string, columns: Column[], selfRefs?: Array<[string, string]>): Promise<number> {
	const sourceColumns = new Set((sqlite.pragma(`table_xinfo(${table})`) as Array<{ name: string; hidden: number }>).filter((c) => c.hidden === 0).map((c) => c.name));
	const copied = columns.filter((c) => !c.generated && sourceColumns.has(c.name));
	const names = copied.map((c) => c.name);
	let rows = sqlite.prepare(`SELECT ${names.map((n) => `"${n}"`).join(', ')} FROM ${table}`).all() as Record<string, unknown>[];
	if (selfRefs) rows = selfOrdered(rows, selfRefs);
	const overriding = copied.some((c) => c.identity) ? ' OVERRIDING SYSTEM VALUE' : '';
	for (let start = 0; start < rows.length; start += BATCH) {
		const chunk = rows.slice(start, start + BATCH);
		const values: unknown[] = [];
		const tuples = chunk.map((row) => `(${names.map((n) => `$${values.push(row[n] ?? null)}`).join(', ')})`);
		await client.query(`INSERT INTO ${table} (${names.map((n) => `"${n}"`).join(', ')})${overriding} VALUES ${tuples.join(', ')}`, values);
	}
	for (const c of copied.filter((col) => col.identity)) {
		await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max("${c.name}") FROM ${table}), 1), (SELECT count(*) > 0 FROM ${table}))`, [table, c.name]);
	}
	return rows.length;
}

/** Row counts per table, and every document's content, the same on both. */
async function verify(sqlite: Sqlite.Database, pool: pg.Pool, report: CopyReport): Promise<void> {
	for (const { table, rows } of report.tables) {
		const { rows: counted } = await pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
		if (Number(counted[0].n) !== rows) throw new Error(`table ${table}: ${rows} rows in SQLite, ${counted[0].n} on PostgreSQL`);
	}
	const names = sqlite.prepare('SELECT name FROM collab_documents ORDER BY id').pluck().all() as string[];
	const from = collabStore(sqlite);
	const to = postgresDocumentStore(pool);
	for (const name of names) {
		const a = docFromStored(from.read(name));
		const b = docFromStored(await to.read(name));
		try {
			if (!sameContent(a, b)) throw new Error(`document ${name} does not load the same from PostgreSQL`);
		} finally {
			a.destroy();
			b.destroy();
		}
		report.documents++;
	}
}

function sameContent(a: Y.Doc, b: Y.Doc): boolean {
	if (Buffer.compare(Buffer.from(Y.encodeStateVector(a)), Buffer.from(Y.encodeStateVector(b))) !== 0) return false;
	// nothing of either is missing in the other
	const missing = (x: Y.Doc, y: Y.Doc) => {
		const probe = new Y.Doc();
		Y.applyUpdate(probe, Y.encodeStateAsUpdate(y));
		const before = Y.encodeStateAsUpdate(probe);
		Y.applyUpdate(probe, Y.encodeStateAsUpdate(x));
		const after = Y.encodeStateAsUpdate(probe);
		probe.destroy();
		return Buffer.compare(Buffer.from(before), Buffer.from(after)) !== 0;
	};
	return !missing(a, b) && !missing(b, a);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const file = process.argv[2];
	const url = process.env.DATABASE_URL?.trim();
	if (!file || file.startsWith('-') || !url || !isPostgresUrl(url)) {
		console.error('usage: DATABASE_URL=postgres://… npm run copy-to-postgres -- <path/to/kring.db>   (into an empty PostgreSQL database)');
		process.exit(1);
	}
	try {
		const report = await copyToPostgres(resolve(file), url);
		for (const t of report.tables) console.log(`${t.table}: ${t.rows}`);
		console.log(`Copied ${report.tables.reduce((n, t) => n + t.rows, 0)} rows in ${report.tables.length} tables; row counts match, ${report.documents} documents load the same.`);
	} catch (error) {
		console.error(`copy failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	}
}

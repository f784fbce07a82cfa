/**
 * Kring's collaboration server (server/collab/) on a temporary database, with
 * its default limits, attached to a plain http server like server/index.ts does.
 *
 * First start in a data directory: migrate, create USERS users with a session
 * each (createUser/createSession, as signing in does), a region where all of
 * them are 'editor', a plan, a theme and DOC_COUNT actions
 * (`action:bench00000` …), and remember the session tokens in
 * kring-bench.json; later starts (restarts after SIGTERM/SIGKILL) reuse them.
 * Client i of the load generator signs in as user i mod USERS, so the
 * per-person socket limits stay at their defaults (64 per user, 32 per
 * session): no benchmark client opens more than 10 sockets.
 *
 * With the argument `postgres` (server "kring-pg"): the same on PostgreSQL
 * at KRING_BENCH_PG_URL (run.ts starts one PostgreSQL 15 per run, durable:
 * fsync and synchronous_commit on), as a one-node cluster, as server/app.ts
 * composes it for DATABASE_URL.
 */
import http from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { openDatabase, openPostgres } from '../../../src/lib/server/db.ts';
import { joinCluster } from '../../../server/collab/cluster.ts';
import { postgresRecheck } from '../../../server/collab/recheck-pg.ts';
import { migrateToLatest } from '../../../src/lib/server/migrate.ts';
import { createUser } from '../../../src/lib/server/user.ts';
import { createSession, generateSessionToken, type SessionPolicy } from '../../../src/lib/server/session.ts';
import { projectDocument } from '../../../src/lib/server/projection.ts';
import { createCollabServer } from '../../../server/collab/index.ts';
import { BENCH_ORIGIN, DOC_COUNT, USERS, dataDir, serve } from './common.ts';
import { countCommits } from './commits.ts';

export { DOC_COUNT };
export const docId = (i: number) => `bench${String(i).padStart(5, '0')}`;

/** kring-pg: a database of its own for this data directory, on the server at KRING_BENCH_PG_URL (run.ts starts it) */
async function databaseFor(dataDirectory: string): Promise<string> {
	const base = process.env.KRING_BENCH_PG_URL;
	if (!base) throw new Error('kring-pg needs KRING_BENCH_PG_URL (run.ts sets it)');
	const name = `kb_${basename(dataDirectory).toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
	const admin = new pg.Client({ connectionString: base });
	await admin.connect();
	try {
		await admin.query(`CREATE DATABASE ${name}`);
	} catch (err) {
		if ((err as { code?: string }).code !== '42P04') throw err; // exists: a restart
	} finally {
		await admin.end();
	}
	// postgresql://user@/postgres?host=… (a socket URL WHATWG's URL cannot parse): swap the database name
	return base.replace(/\/postgres(\?|$)/, `/${name}$1`);
}

const MIGRATIONS = fileURLToPath(new URL('../../../migrations', import.meta.url));
const ORIGIN = BENCH_ORIGIN;
const sessionPolicy: SessionPolicy = { idleTimeoutMs: 24 * 3_600_000, absoluteTimeoutMs: 7 * 24 * 3_600_000 };

const dir = dataDir();
const onPostgres = process.argv[3] === 'postgres';
const dbPath = join(dir, 'kring.sqlite');
const setupFile = join(dir, 'kring-bench.json');
const pgUrl = onPostgres ? await databaseFor(dir) : undefined;
const opened = onPostgres ? openPostgres(pgUrl!) : openDatabase(dbPath);
const { db } = opened;
const sqlite = opened.dialect === 'sqlite' ? opened.sqlite : undefined;
const counter = sqlite ? countCommits(sqlite) : null;
await migrateToLatest(db, MIGRATIONS);

let tokens: string[];
if (existsSync(setupFile)) {
	tokens = JSON.parse(readFileSync(setupFile, 'utf8')).tokens;
} else {
	const userIds: string[] = [];
	tokens = [];
	for (let i = 0; i < USERS; i++) {
		const user = await createUser(db, { email: `bench${i}@kring.bench`, name: `Bench ${i}`, password: null });
		const token = generateSessionToken();
		await createSession(db, token, user.id, sessionPolicy);
		userIds.push(user.id);
		tokens.push(token);
	}
	const now = Date.now();
	await db.transaction().execute(async (trx) => {
		await trx.insertInto('regions').values({ id: 'benchregion', slug: 'bench', name: 'Bench', centrum_municipality_id: null }).execute();
		await trx
			.insertInto('region_memberships')
			.values(userIds.map((id) => ({ user_id: id, region_id: 'benchregion', role: 'editor' as const })))
			.execute();
		await trx
			.insertInto('plans')
			.values({
				id: 'benchplan',
				slug: 'bench',
				region_id: 'benchregion',
				municipality_id: null,
				scope: 'region',
				kind: 'regional',
				title: 'Bench',
				subtitle: null,
				period_start: 2024,
				period_end: 2028,
				parent_plan_id: null,
				levels: '[]',
				theme_sections: '[]',
				card_template: '[]',
				archived_at: null,
				created_at: now,
				updated_at: now
			} as never)
			.execute();
		await trx
			.insertInto('themes')
			.values({ id: 'benchtheme', plan_id: 'benchplan', chapter_id: null, position: 1, number: null, title: 'Bench', archived_at: null, updated_at: now } as never)
			.execute();
		for (let start = 0; start < DOC_COUNT; start += 500) {
			const rows = [];
			for (let i = start; i < Math.min(DOC_COUNT, start + 500); i++) {
				rows.push({ id: docId(i), plan_id: 'benchplan', theme_id: 'benchtheme', position: i, level: 'regional', title: `Actie ${i}`, status: 'not_started', created_at: now, updated_at: now });
			}
			await trx.insertInto('actions').values(rows as never).execute();
		}
	});
	writeFileSync(setupFile, JSON.stringify({ tokens }));
}

const logger = pino({ level: process.env.BENCH_KRING_LOG ?? 'warn' });
// PostgreSQL: the rights notifications and a cluster of one node, as server/app.ts composes them
const rights = opened.dialect === 'postgres' ? postgresRecheck(opened.pool, pgUrl!, logger) : undefined;
await rights?.ready;
const cluster =
	opened.dialect === 'postgres' ? await joinCluster({ connectionString: pgUrl!, pool: opened.pool, nodeId: 'bench', nodeUrl: 'http://127.0.0.1:1', log: logger }) : undefined;
// as server/app.ts composes it: default limits, projection into the actions table after changes
const collab = createCollabServer({
	db,
	sqlite,
	postgres: opened.dialect === 'postgres' ? opened.pool : undefined,
	rights,
	cluster,
	logger,
	origin: ORIGIN,
	sessionPolicy,
	async onDocumentChange(_name, doc, resource) {
		await projectDocument(db, resource.ref, resource.planId, doc);
	}
});

const server = http.createServer((_req, res) => {
	res.writeHead(404).end();
});
server.on('upgrade', (req, socket, head) => {
	if (req.url?.startsWith('/collab/')) collab.handleUpgrade(req, socket, head);
	else socket.destroy();
});
server.listen(0, '127.0.0.1', () => {
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('no port');
	serve(
		{
			port: address.port,
			pathPrefix: '/collab/',
			framing: 'y',
			headers: { Origin: ORIGIN },
			tokens,
			authenticates: true,
			storeFiles: onPostgres ? undefined : [dbPath, dbPath + '-wal'],
			docCount: DOC_COUNT
		},
		async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			await collab.close();
			server.closeAllConnections();
			await closed;
			await cluster?.close();
			await rights?.close();
			await db.destroy();
		},
		() => counter?.commits ?? null
	);
});

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
 */
import http from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { openDatabase } from '../../../src/lib/server/db.ts';
import { migrateToLatest } from '../../../src/lib/server/migrate.ts';
import { createUser } from '../../../src/lib/server/user.ts';
import { createSession, generateSessionToken, type SessionPolicy } from '../../../src/lib/server/session.ts';
import { projectDocument } from '../../../src/lib/server/projection.ts';
import { createCollabServer } from '../../../server/collab/index.ts';
import { BENCH_ORIGIN, DOC_COUNT, USERS, dataDir, serve } from './common.ts';
import { countCommits } from './commits.ts';

export { DOC_COUNT };
export const docId = (i: number) => `bench${String(i).padStart(5, '0')}`;

const MIGRATIONS = fileURLToPath(new URL('../../../migrations', import.meta.url));
const ORIGIN = BENCH_ORIGIN;
const sessionPolicy: SessionPolicy = { idleTimeoutMs: 24 * 3_600_000, absoluteTimeoutMs: 7 * 24 * 3_600_000 };

const dir = dataDir();
const dbPath = join(dir, 'kring.sqlite');
const setupFile = join(dir, 'kring-bench.json');
const { db, sqlite } = openDatabase(dbPath);
const counter = countCommits(sqlite);
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
	sqlite.transaction(() => {
		sqlite.prepare(`INSERT INTO regions (id, slug, name) VALUES ('benchregion', 'bench', 'Bench')`).run();
		const member = sqlite.prepare(`INSERT INTO region_memberships (user_id, region_id, role) VALUES (?, 'benchregion', 'editor')`);
		for (const id of userIds) member.run(id);
		sqlite
			.prepare(
				`INSERT INTO plans (id, slug, region_id, scope, kind, title, period_start, period_end, levels, theme_sections, card_template, created_at, updated_at)
				 VALUES ('benchplan', 'bench', 'benchregion', 'region', 'regional', 'Bench', 2024, 2028, '[]', '[]', '[]', ?, ?)`
			)
			.run(now, now);
		sqlite
			.prepare(`INSERT INTO themes (id, plan_id, position, title, updated_at) VALUES ('benchtheme', 'benchplan', 1, 'Bench', ?)`)
			.run(now);
		const action = sqlite.prepare(
			`INSERT INTO actions (id, plan_id, theme_id, position, level, title, status, created_at, updated_at)
			 VALUES (?, 'benchplan', 'benchtheme', ?, 'regional', ?, 'not_started', ?, ?)`
		);
		for (let i = 0; i < DOC_COUNT; i++) action.run(docId(i), i, `Actie ${i}`, now, now);
	})();
	writeFileSync(setupFile, JSON.stringify({ tokens }));
}

const logger = pino({ level: process.env.BENCH_KRING_LOG ?? 'warn' });
// as server/app.ts composes it: default limits, projection into the actions table after changes
const collab = createCollabServer({
	db,
	sqlite,
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
			storeFiles: [dbPath, dbPath + '-wal'],
			docCount: DOC_COUNT
		},
		async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			await collab.close();
			server.closeAllConnections();
			await closed;
			await db.destroy();
		},
		() => counter.commits
	);
});

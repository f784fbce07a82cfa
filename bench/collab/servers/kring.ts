/**
 * Kring's collaboration server (server/collab/) on a temporary database, with
 * its default limits, attached to a plain http server like server/index.ts does.
 *
 * First start in a data directory: migrate, create a user with a session, a
 * region where the user is 'editor', a plan, a theme and DOC_COUNT actions
 * (`action:bench00000` …), and remember the session token in kring-bench.json;
 * later starts (restarts after SIGTERM/SIGKILL) reuse them.
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
import { dataDir, serve } from './common.ts';

export const DOC_COUNT = 4000;
export const docId = (i: number) => `bench${String(i).padStart(5, '0')}`;

const MIGRATIONS = fileURLToPath(new URL('../../../migrations', import.meta.url));
const ORIGIN = 'http://kring.bench';
const sessionPolicy: SessionPolicy = { idleTimeoutMs: 24 * 3_600_000, absoluteTimeoutMs: 7 * 24 * 3_600_000 };

const dir = dataDir();
const dbPath = join(dir, 'kring.sqlite');
const setupFile = join(dir, 'kring-bench.json');
const { db, sqlite } = openDatabase(dbPath);
await migrateToLatest(db, MIGRATIONS);

let token: string;
if (existsSync(setupFile)) {
	token = JSON.parse(readFileSync(setupFile, 'utf8')).token;
} else {
	const user = await createUser(db, { email: 'bench@kring.bench', name: 'Bench', password: null });
	token = generateSessionToken();
	await createSession(db, token, user.id, sessionPolicy);
	const now = Date.now();
	sqlite.transaction(() => {
		sqlite.prepare(`INSERT INTO regions (id, slug, name) VALUES ('benchregion', 'bench', 'Bench')`).run();
		sqlite
			.prepare(`INSERT INTO region_memberships (user_id, region_id, role) VALUES (?, 'benchregion', 'editor')`)
			.run(user.id);
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
	writeFileSync(setupFile, JSON.stringify({ token }));
}

const logger = pino({ level: process.env.BENCH_KRING_LOG ?? 'warn' });
// as server/app.ts composes it: default limits, projection into the actions table after changes
const collab = createCollabServer({
	db,
	sqlite,
	logger,
	origin: ORIGIN,
	sessionPolicy,
	// every benchmark client signs in as the one bench user with one session: lift the
	// per-person socket limits (64 / 32 by default) that would refuse client 65 onwards
	maxConnectionsPerUser: 100_000,
	maxConnectionsPerSession: 100_000,
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
			headers: { Cookie: `session=${token}`, Origin: ORIGIN },
			storeFiles: [dbPath, dbPath + '-wal'],
			docCount: DOC_COUNT
		},
		async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			await collab.close();
			server.closeAllConnections();
			await closed;
			await db.destroy();
		}
	);
});

import * as decoding from 'lib0/decoding';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { openDatabase, openPostgres, type Db, type OpenedDatabase, type OpenedPostgres } from '../../../src/lib/server/db.ts';
import { newId } from '../../../src/lib/server/id.ts';
import { migrateToLatest } from '../../../src/lib/server/migrate.ts';
import { createSession, generateSessionToken, type SessionPolicy } from '../../../src/lib/server/session.ts';
import { createUser } from '../../../src/lib/server/user.ts';
import { MessageType } from '../protocol.ts';
import { createCollabServer, type CollabServer, type CollabServerOptions } from '../index.ts';
import { postgresRecheck } from '../recheck-pg.ts';
import { postgresDocumentStore, sqliteDocumentStore } from '../document-store.ts';
import { docFromStored } from '../store.ts';

/**
 * Test fixtures: a temporary database with one region, a regional plan with
 * a theme and actions, users with the three kinds of rights, and a real HTTP
 * server on port 0 whose upgrade handler is the collaboration server.
 */

export const MIGRATIONS = fileURLToPath(new URL('../../../migrations', import.meta.url));
export const POLICY: SessionPolicy = { idleTimeoutMs: 3_600_000, absoluteTimeoutMs: 86_400_000 };

export interface TestUser {
	id: string;
	name: string;
	token: string;
}

export interface Seed {
	regionId: string;
	planId: string;
	themeId: string;
	/** two action documents, to show one document's trouble leaves another alone */
	actionIds: [string, string];
	editor: TestUser;
	editor2: TestUser;
	viewer: TestUser;
	stranger: TestUser;
}

export interface TestDatabase {
	dir: string;
	path: string;
	opened: OpenedDatabase;
	seed: Seed;
	remove(): void;
}

async function userWithSession(db: Db, name: string): Promise<TestUser> {
	const user = await createUser(db, { email: `${newId()}@example.test`, name, password: null });
	const token = generateSessionToken();
	await createSession(db, token, user.id, POLICY);
	return { id: user.id, name, token };
}

/**
 * A temporary SQLite file with the fixture. With KRING_TEST_DATABASE=postgres
 * (npm run test:pg:domain): a fresh PostgreSQL database instead
 * (server/testing/postgres-test-db.ts); `opened.sqlite` then throws, so a
 * test of SQLite itself says so (skip it with `onSqlite`).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
	if (process.env.KRING_TEST_DATABASE === 'postgres') {
		const { createPostgresTestDatabase } = await import('../../testing/postgres-test-db.ts');
		const pg = await createPostgresTestDatabase({});
		const seed = await seedCollab(pg.db);
		return {
			dir: '',
			path: pg.path,
			opened: pg as unknown as OpenedDatabase,
			seed,
			remove() {
				void pg.close();
			}
		};
	}
	const dir = mkdtempSync(join(tmpdir(), 'kring-collab-'));
	const path = join(dir, 'test.db');
	const opened = openDatabase(path);
	await migrateToLatest(opened.db, MIGRATIONS);
	const seed = await seedCollab(opened.db);
	return {
		dir,
		path,
		opened,
		seed,
		remove() {
			try {
				opened.sqlite.close();
			} catch {
				// already closed
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** A document's whole state as stored, on either database (null: never stored). */
export async function storedState(opened: OpenedDatabase | OpenedPostgres, name: string): Promise<Uint8Array | null> {
	const stored = await ('pool' in opened ? postgresDocumentStore(opened.pool) : sqliteDocumentStore(opened.sqlite)).read(name);
	if (!stored || (!stored.state && stored.updates.length === 0)) return null;
	const doc = docFromStored(stored);
	try {
		return Y.encodeStateAsUpdate(doc);
	} finally {
		doc.destroy();
	}
}

/** The same fixture in an empty PostgreSQL database at `url` (migrated here). */
export async function createPostgresCollabDatabase(url: string): Promise<{ opened: OpenedPostgres; seed: Seed; close(): Promise<void> }> {
	const opened = openPostgres(url);
	await migrateToLatest(opened.db, MIGRATIONS);
	return { opened, seed: await seedCollab(opened.db), close: () => opened.db.destroy() };
}

/** One region, its plan, a theme with two actions, and the users of the fixture. */
async function seedCollab(db: Db): Promise<Seed> {
	const now = Date.now();
	const regionId = newId();
	const planId = newId();
	const themeId = newId();
	const actionIds: [string, string] = [newId(), newId()];
	await db.insertInto('regions').values({ id: regionId, slug: `regio-${regionId}`, name: 'Regio Test', centrum_municipality_id: null }).execute();
	await db
		.insertInto('plans')
		.values({
			id: planId,
			slug: `plan-${planId}`,
			region_id: regionId,
			municipality_id: null,
			scope: 'region',
			kind: 'uitvoeringsagenda',
			title: 'Testplan',
			subtitle: null,
			period_start: 2024,
			period_end: 2028,
			parent_plan_id: null,
			levels: '{}',
			theme_sections: '[]',
			card_template: '[]',
			archived_at: null,
			created_at: now,
			updated_at: now
		})
		.execute();
	await db
		.insertInto('themes')
		.values({ id: themeId, plan_id: planId, chapter_id: null, position: 1, number: '1', title: 'Thema', archived_at: null, updated_at: now })
		.execute();
	for (const [i, id] of actionIds.entries()) {
		await db
			.insertInto('actions')
			.values({
				id,
				plan_id: planId,
				theme_id: themeId,
				position: i,
				level: 'regional',
				title: `Actie ${i + 1}`,
				status: 'not_started',
				planning_start: null,
				planning_end: null,
				cost_amount: null,
				funding_source_id: null,
				funding_note: null,
				lead: null,
				predecessor_id: null,
				archived_at: null,
				archive_reason: null,
				created_at: now,
				updated_at: now
			})
			.execute();
	}
	const editor = await userWithSession(db, 'Eva Editor');
	const editor2 = await userWithSession(db, 'Erik Editor');
	const viewer = await userWithSession(db, 'Vera Viewer');
	const stranger = await userWithSession(db, 'Stan Stranger');
	await db
		.insertInto('region_memberships')
		.values([
			{ user_id: editor.id, region_id: regionId, role: 'editor' },
			{ user_id: editor2.id, region_id: regionId, role: 'editor' },
			{ user_id: viewer.id, region_id: regionId, role: 'viewer' }
		])
		.execute();
	return { regionId, planId, themeId, actionIds, editor, editor2, viewer, stranger };
}

export interface LogLine {
	level: number;
	msg: string;
	[key: string]: unknown;
}

export function captureLogger(): { logger: Logger; lines: LogLine[]; raw: string[] } {
	const lines: LogLine[] = [];
	const raw: string[] = [];
	const logger = pino(
		{ level: 'debug' },
		{
			write(chunk: string) {
				raw.push(chunk);
				lines.push(JSON.parse(chunk) as LogLine);
			}
		}
	);
	return { logger, lines, raw };
}

export interface TestServer {
	server: CollabServer;
	http: Server;
	port: number;
	origin: string;
	/** ws://127.0.0.1:<port>/collab */
	url: string;
	lines: LogLine[];
	raw: string[];
	stop(): Promise<void>;
}

export async function startTestServer(
	opened: OpenedDatabase | OpenedPostgres,
	options: Partial<CollabServerOptions> = {},
	port = 0
): Promise<TestServer> {
	const http = createServer((_req, res) => {
		res.statusCode = 404;
		res.end();
	});
	await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
	const { logger, lines, raw } = captureLogger();
	// PostgreSQL: the pool, and the re-check that listens for rights notifications
	const pool = 'pool' in opened ? opened.pool : null;
	const rights = pool ? postgresRecheck(pool, (pool as unknown as { options: { connectionString: string } }).options.connectionString, logger) : undefined;
	await rights?.ready;
	const server = createCollabServer({
		db: opened.db,
		...(pool ? { postgres: pool, rights } : { sqlite: (opened as OpenedDatabase).sqlite }),
		logger,
		origin,
		sessionPolicy: POLICY,
		...options
	});
	http.on('upgrade', (req, socket, head) => server.handleUpgrade(req, socket, head));
	return {
		server,
		http,
		port: (http.address() as AddressInfo).port,
		origin,
		url: `${origin.replace('http', 'ws')}/collab`,
		lines,
		raw,
		async stop() {
			await server.close();
			await rights?.close();
			http.closeAllConnections();
			await new Promise<void>((resolve) => http.close(() => resolve()));
		}
	};
}

/** A `ws` WebSocket class that sends the session cookie and an Origin, as a browser would. */
export type WebSocketClass = new (address: string | URL, protocols?: string | string[]) => WebSocket;

export function authedWebSocket(token: string | null, origin: string | null): WebSocketClass {
	const headers: Record<string, string> = {};
	if (token !== null) headers.Cookie = `session=${token}`;
	if (origin !== null) headers.Origin = origin;
	return class extends WebSocket {
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols, { headers });
		}
	};
}

export interface TestClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** counts of "saved" acknowledgements and update-bearing messages sent on the current socket */
	saved: { acked: number; sent: number };
	closeEvents: Array<{ code: number; reason: string }>;
	destroy(): void;
}

/** A real y-websocket client in Node, asking for Kring's saved messages unless `saved: false`. */
export function connectClient(
	server: Pick<TestServer, 'url' | 'origin'>,
	name: string,
	token: string,
	options: { saved?: boolean; doc?: Y.Doc } = {}
): TestClient {
	const doc = options.doc ?? new Y.Doc();
	const saved = { acked: 0, sent: 0 };
	const Base = authedWebSocket(token, server.origin);
	class Counting extends Base {
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols);
			saved.acked = 0;
			saved.sent = 0;
		}
		override send(data: unknown, ...rest: unknown[]): void {
			const bytes = data as Uint8Array;
			if (bytes[0] === MessageType.Sync && (bytes[1] === 1 || bytes[1] === 2)) saved.sent += 1;
			(super.send as (...args: unknown[]) => void)(data, ...rest);
		}
	}
	const provider = new WebsocketProvider(server.url, name, doc, {
		WebSocketPolyfill: Counting as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: options.saved === false ? {} : { saved: '1' },
		maxBackoffTime: 200
	});
	provider.messageHandlers[MessageType.Saved] = (_encoder, decoder) => {
		saved.acked = Math.max(saved.acked, decoding.readVarUint(decoder));
	};
	provider.messageHandlers[MessageType.Access] = (_encoder, decoder) => {
		decoding.readVarUint(decoder);
	};
	const closeEvents: Array<{ code: number; reason: string }> = [];
	provider.on('connection-close', (event) => {
		if (event) closeEvents.push({ code: event.code, reason: event.reason });
	});
	return {
		doc,
		provider,
		saved,
		closeEvents,
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

/** Polls until `check` returns true, or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const start = Date.now();
	while (!check()) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export function synced(client: TestClient, timeoutMs = 5000): Promise<void> {
	return waitFor(() => client.provider.synced, timeoutMs, 'sync');
}

/**
 * Opens a raw socket and reports how the handshake ended: the HTTP status of
 * a refused upgrade, or 101 when it was accepted.
 */
export function handshakeStatus(url: string, headers: Record<string, string>): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { headers });
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			res.resume();
			ws.terminate();
		});
		ws.on('open', () => {
			resolve(101);
			ws.close();
		});
		ws.on('error', (err) => reject(err));
	});
}

/** A raw socket, open, with the session cookie and origin; collects messages and the close code. */
export async function rawClient(
	server: Pick<TestServer, 'url' | 'origin'>,
	name: string,
	token: string,
	query = ''
): Promise<{ ws: WebSocket; messages: Uint8Array[]; closed: Promise<{ code: number; reason: string }> }> {
	const ws = new WebSocket(`${server.url}/${name}${query}`, { headers: { Cookie: `session=${token}`, Origin: server.origin } });
	const messages: Uint8Array[] = [];
	ws.on('message', (data) => messages.push(new Uint8Array(data as Buffer)));
	ws.on('error', () => {});
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
	);
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	return { ws, messages, closed };
}

/**
 * Resolves once the server has processed every message this client sent
 * before: a query-awareness message is answered in order on the same socket.
 */
export function roundTrip(client: TestClient): Promise<void> {
	const ws = client.provider.ws as unknown as WebSocket | null;
	if (!ws) return Promise.reject(new Error('not connected'));
	return new Promise((resolve) => {
		// y-websocket sets binaryType 'arraybuffer'
		const onMessage = (data: ArrayBuffer | Buffer) => {
			if (new Uint8Array(data)[0] !== MessageType.Awareness) return;
			ws.off('message', onMessage);
			resolve();
		};
		ws.on('message', onMessage);
		ws.send(Uint8Array.of(MessageType.QueryAwareness));
	});
}

/** Waits until the client has an acknowledgement for everything it sent on its socket. */
export function allSaved(client: TestClient, timeoutMs = 5000): Promise<void> {
	return waitFor(() => client.saved.sent > 0 && client.saved.acked >= client.saved.sent, timeoutMs, 'saved');
}

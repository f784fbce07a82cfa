import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type OpenedPostgres } from '../../src/lib/server/db.ts';
import { startBalancer } from '../testing/balancer.ts';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../testing/postgres.ts';
import { CloseEvents } from './close-codes.ts';
import { joinCluster, type ClusterMessage } from './cluster.ts';
import { postgresDocumentStore } from './document-store.ts';
import { createCollabServer } from './index.ts';
import { postgresRecheck } from './recheck-pg.ts';
import { docFromStored } from './store.ts';
import { allSaved, connectClient, createPostgresCollabDatabase, synced, waitFor, type Seed, type TestClient } from './test-fixtures/harness.ts';

/**
 * Two Kring nodes on one PostgreSQL database (issue 18), each in its own
 * process, with the standard y-websocket client: they converge on one
 * document whichever node a client reaches, a killed owner loses no
 * acknowledged edit and its clients go on at the other node, and a change of
 * rights made anywhere closes a socket on either node.
 */

const NODE = fileURLToPath(new URL('./test-fixtures/pg-node.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Node {
	id: string;
	process: ChildProcess;
	port: number;
	url: string;
	origin: string;
	exited: Promise<void>;
}

let pgServer: TestPostgres;
let databaseUrl: string;
let opened: OpenedPostgres;
let reader: OpenedPostgres;
let seed: Seed;
const nodes = new Map<string, Node>();
const clients: TestClient[] = [];

async function startNode(id: string): Promise<Node> {
	const child = spawn(process.execPath, ['--import', 'tsx', NODE], {
		cwd: ROOT,
		env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ID: id, SWEEP_MS: '500' },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const line = await new Promise<string>((resolve, reject) => {
		createInterface({ input: child.stdout! }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`node ${id} exited early (${code})`)));
	});
	const { port } = JSON.parse(line) as { port: number };
	const node = { id, process: child, port, url: `ws://127.0.0.1:${port}/collab`, origin: `http://127.0.0.1:${port}`, exited };
	nodes.set(id, node);
	return node;
}

/** The balancer in front of the nodes (server/testing/balancer.ts), as the collaboration clients reach it. */
async function balancer(ports: () => number[]): Promise<{ server: Server; url: string; origin: string }> {
	const { server, port } = await startBalancer(ports);
	return { server, url: `ws://127.0.0.1:${port}/collab`, origin: `http://127.0.0.1:${port}` };
}

function client(at: { url: string; origin: string }, name: string, token: string): TestClient {
	const c = connectClient(at, name, token);
	clients.push(c);
	return c;
}

async function storedText(name: string): Promise<string> {
	const doc = docFromStored(await postgresDocumentStore(reader.pool).read(name));
	try {
		return doc.getText('body').toString();
	} finally {
		doc.destroy();
	}
}

async function ownerOf(name: string): Promise<string | null> {
	const { rows } = await reader.pool.query<{ node_id: string }>(
		`SELECT n.node_id FROM pg_locks l JOIN collab_nodes n ON n.backend_pid = l.pid
		 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.objid::text::bigint = (hashtext($1)::bigint & 4294967295)`,
		[name]
	);
	return rows[0]?.node_id ?? null;
}

const skip = postgresSkipReason();
if (skip) console.warn(`skipping two Kring nodes on PostgreSQL: ${skip}`);

describe.skipIf(skip !== null)('two Kring nodes on one PostgreSQL database', () => {
	beforeAll(async () => {
		pgServer = await startPostgres();
		databaseUrl = await pgServer.createDatabase('kring_cluster');
		let close: () => Promise<void>;
		({ opened, seed, close } = await createPostgresCollabDatabase(databaseUrl));
		void close;
		reader = openPostgres(databaseUrl, { max: 3 });
		await Promise.all([startNode('a'), startNode('b')]);
	}, 60_000);

	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});

	afterAll(async () => {
		for (const node of nodes.values()) node.process.kill('SIGKILL');
		await Promise.all([...nodes.values()].map((n) => n.exited));
		await reader?.db.destroy();
		await opened?.db.destroy();
		await pgServer?.stop();
	});

	it('lets a client on node A and one on node B edit one document and converge', async () => {
		const name = `plan:${seed.planId}`;
		const a = client(nodes.get('a')!, name, seed.editor.token);
		const b = client(nodes.get('b')!, name, seed.editor2.token);
		await Promise.all([synced(a), synced(b)]);
		a.doc.getText('body').insert(0, 'Noord ');
		b.doc.getText('body').insert(0, 'Zuid ');
		await waitFor(() => a.doc.getText('body').length === 11 && a.doc.getText('body').toString() === b.doc.getText('body').toString(), 5000, 'convergence');
		await Promise.all([allSaved(a), allSaved(b)]);
		expect(await storedText(name)).toBe(a.doc.getText('body').toString());
		// exactly one node owns it; the other forwarded its client there
		expect(['a', 'b']).toContain(await ownerOf(name));
	});

	it('loses no acknowledged edit when the owner is killed while both type, and the clients go on at the other node', async () => {
		const lb = await balancer(() => [...nodes.values()].map((n) => n.port));
		try {
			const name = `action:${seed.actionIds[0]}`;
			const one = client(lb, name, seed.editor.token);
			const two = client(lb, name, seed.editor2.token);
			await Promise.all([synced(one), synced(two)]);
			const type = (c: TestClient, mark: string, n: number) => {
				for (let i = 0; i < n; i++) c.doc.getText('body').insert(c.doc.getText('body').length, mark);
			};
			type(one, '1', 20);
			type(two, '2', 20);
			await Promise.all([allSaved(one), allSaved(two)]);
			const count = (text: string, ch: string) => text.split(ch).length - 1;
			expect(count(await storedText(name), '1')).toBe(20);
			const owner = (await ownerOf(name))!;
			expect(owner).not.toBeNull();
			// both go on typing while the owner dies
			const typing = setInterval(() => {
				type(one, 'x', 1);
				type(two, 'y', 1);
			}, 10);
			await new Promise((resolve) => setTimeout(resolve, 150));
			const killedAt = Date.now();
			const dead = nodes.get(owner)!;
			dead.process.kill('SIGKILL');
			await dead.exited;
			nodes.delete(owner);
			await new Promise((resolve) => setTimeout(resolve, 300));
			clearInterval(typing);
			// both reconnect through the balancer, reach the other node, and everything typed is stored there
			await waitFor(
				() => one.provider.wsconnected && two.provider.wsconnected && one.provider.synced && two.provider.synced,
				10_000,
				'clients on the other node'
			);
			await waitFor(() => one.doc.getText('body').toString() === two.doc.getText('body').toString(), 10_000, 'convergence after the kill');
			one.doc.getText('body').insert(0, '!');
			await Promise.all([allSaved(one, 10_000), allSaved(two, 10_000)]);
			const resumedMs = Date.now() - killedAt;
			const stored = await storedText(name);
			// the acknowledged edits, and everything typed after them, are stored
			expect(count(stored, '1')).toBe(20);
			expect(count(stored, '2')).toBe(20);
			expect(count(stored, 'x')).toBeGreaterThan(0);
			expect(stored).toBe(one.doc.getText('body').toString());
			expect(await ownerOf(name)).not.toBe(owner);
			expect(resumedMs).toBeLessThan(10_000);
		} finally {
			lb.server.close();
			const missing = ['a', 'b'].filter((id) => !nodes.has(id));
			await Promise.all(missing.map((id) => startNode(id)));
		}
	}, 60_000);

	it("closes a socket on node B within 5 s when the user's role is lowered elsewhere", async () => {
		const name = `theme:${seed.themeId}`;
		const c = client(nodes.get('b')!, name, seed.editor.token);
		await synced(c);
		const start = Date.now();
		const setRole = (role: 'viewer' | 'editor') =>
			reader.db.updateTable('region_memberships').set({ role }).where('user_id', '=', seed.editor.id).where('region_id', '=', seed.regionId).execute();
		// as node A's app would write it
		await setRole('viewer');
		try {
			await waitFor(() => c.closeEvents.length > 0, 5000, 'close');
			expect(Date.now() - start).toBeLessThan(5000);
			expect(c.closeEvents[0].code).toBe(CloseEvents.RightsChanged.code);
		} finally {
			await setRole('editor');
		}
	});

	it('carries a change of the server made on a node that does not own the document to its owner', async () => {
		const name = `action:${seed.actionIds[1]}`;
		const watcher = client(nodes.get('a')!, name, seed.editor.token);
		await synced(watcher);
		const owner = await ownerOf(name);
		expect(owner).toBe('a');
		// a third node in this process, without any socket on the document
		const log = pino({ level: 'silent' });
		const pool = openPostgres(databaseUrl);
		const rights = postgresRecheck(pool.pool, databaseUrl, log);
		const cluster = await joinCluster({ connectionString: databaseUrl, pool: pool.pool, nodeId: 'c', nodeUrl: 'http://127.0.0.1:1', log });
		const third = createCollabServer({ db: pool.db, postgres: pool.pool, rights, cluster, logger: log, origin: null, sessionPolicy: { idleTimeoutMs: 3_600_000, absoluteTimeoutMs: 86_400_000 } });
		try {
			await third.change(name, (doc) => doc.getMap('meta').set('status', 'done'), { author: seed.editor.id });
			await waitFor(() => watcher.doc.getMap('meta').get('status') === 'done', 5000, 'the change reaches the client on the owner');
			const stored = docFromStored(await postgresDocumentStore(reader.pool).read(name));
			expect(stored.getMap('meta').get('status')).toBe('done');
			stored.destroy();
			expect(await ownerOf(name)).toBe('a');
		} finally {
			await third.close();
			await cluster.close();
			await rights.close();
			await pool.db.destroy();
		}
	});

	it('delivers a message from one node to every other, and never to itself', async () => {
		const log = pino({ level: 'silent' });
		const pool = openPostgres(databaseUrl, { max: 2 });
		const x = await joinCluster({ connectionString: databaseUrl, pool: pool.pool, nodeId: 'x', nodeUrl: 'http://127.0.0.1:2', log });
		const y = await joinCluster({ connectionString: databaseUrl, pool: pool.pool, nodeId: 'y', nodeUrl: 'http://127.0.0.1:3', log });
		try {
			const atX: ClusterMessage[] = [];
			const atY: ClusterMessage[] = [];
			x.onMessage((m) => atX.push(m));
			y.onMessage((m) => atY.push(m));
			expect(await x.send('*', { kind: 'event', event: 'plan:p1', payload: { planId: 'p1', kind: 'action' } })).toBe(true);
			await waitFor(() => atY.length === 1, 3000, 'the message at y');
			expect(atY[0]).toMatchObject({ kind: 'event', event: 'plan:p1', from: 'x' });
			expect(atX).toHaveLength(0);
			expect(await x.send('y', { kind: 'big', text: 'x'.repeat(9000) })).toBe(false);
		} finally {
			await x.close();
			await y.close();
			await pool.db.destroy();
		}
	});
});

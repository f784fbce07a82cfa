import { expect, test } from '@playwright/test';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, get as httpGet } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { ACCOUNTS, PASSWORD, type AccountName } from './fixtures';
import { freePort } from './server-process.ts';

/**
 * Operations against a Kring of its own (spawned like tests/setup.spec.ts, on
 * a free port with a temporary database and METRICS_TOKEN/SECURITY_CONTACT
 * set): a SIGTERM with 200 event streams and 100 collaboration sockets open
 * exits 0 within 5 s and keeps an acknowledged edit; /readyz answers 503
 * while the process drains; /metrics needs its token; security.txt;
 * request ids in the header and the log.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const METRICS_TOKEN = 'opsb-scrape-token-0123456789';
const STREAMS_PER_USER = 32; // STREAM_LIMITS.perUser; 16 per session
const EXTRA_EMAIL = 'beheer-extra@gemeente.example';
const EXTRA_PASSWORD = 'een lange zin voor de extra beheerder';

let dir: string;
let port: number;
let base: string;
let server: Running | undefined;

interface Running {
	child: ChildProcess;
	log: () => Array<Record<string, unknown>>;
	exited: Promise<number | null>;
}

async function start(): Promise<Running> {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		DATABASE_PATH: join(dir, 'kring.db'),
		LOG_LEVEL: 'info',
		METRICS_TOKEN,
		SECURITY_CONTACT: 'security@gemeente.example'
	};
	delete env.ORIGIN;
	const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
	child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	for (let i = 0; i < 240; i++) {
		if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})\n${out}\n${err}`);
		try {
			if ((await fetch(`${base}/healthz`)).ok) break;
		} catch {
			/* not listening yet */
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	const log = () =>
		out
			.split('\n')
			.filter((l) => l.startsWith('{'))
			.map((l) => JSON.parse(l) as Record<string, unknown>);
	return { child, log, exited };
}

async function stop(running: Running | undefined): Promise<void> {
	if (running && running.child.exitCode === null) {
		running.child.kill('SIGKILL');
		await running.exited;
	}
}

/** Signs in over HTTP as a browser form would; returns the Cookie header of the new session. */
async function signIn(email: string, password = PASSWORD): Promise<string> {
	const response = await fetch(`${base}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email, password }).toString()
	});
	const session = response.headers.getSetCookie().find((c) => c.startsWith('session='));
	if (!session) throw new Error(`no session for ${email}: ${response.status}`);
	return session.split(';')[0];
}

async function getJson<T>(path: string, cookie: string): Promise<T> {
	const response = await fetch(`${base}${path}`, { headers: { cookie } });
	expect(response.status, path).toBe(200);
	return (await response.json()) as T;
}

interface OpenStream {
	ended: Promise<'ended' | 'error'>;
}

/**
 * Like a browser, the streams' client keeps its connections open after a
 * response ends (a browser holds an idle connection for minutes): a server
 * that waits for idle keep-alive sockets to go away waits for the client.
 */
const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: Infinity });

/** Opens an event stream, waits for its first bytes (the retry hint), and reads it until it ends. */
function openStream(path: string, cookie: string): Promise<OpenStream> {
	return new Promise((resolve, reject) => {
		const req = httpGet(`${base}${path}`, { agent: keepAlive, headers: { cookie } }, (res) => {
			if (res.statusCode !== 200) return reject(new Error(`${path}: ${res.statusCode}`));
			const ended = new Promise<'ended' | 'error'>((done) => {
				res.once('end', () => done('ended'));
				res.once('error', () => done('error'));
				res.once('aborted', () => done('error'));
			});
			res.once('data', (chunk: Buffer) => {
				if (!chunk.toString('utf8').includes('retry:')) reject(new Error(`${path}: no retry hint`));
				res.resume();
				resolve({ ended });
			});
		});
		req.on('error', reject);
	});
}

interface Socket {
	ws: WebSocket;
	write: boolean;
	saved: number;
	closed: Promise<number>;
	/** resolves with the first sync step 2 the server sends */
	state: Promise<Uint8Array>;
}

function openSocket(documentName: string, cookie: string): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(`ws://127.0.0.1:${port}/collab/${encodeURIComponent(documentName)}?saved=1`, { headers: { Cookie: cookie, Origin: base } });
		let resolveState: (u: Uint8Array) => void = () => {};
		const socket: Socket = {
			ws,
			write: false,
			saved: 0,
			closed: new Promise((r) => ws.once('close', (code) => r(code))),
			state: new Promise((r) => (resolveState = r))
		};
		ws.on('error', reject);
		ws.on('message', (data: Buffer) => {
			const decoder = decoding.createDecoder(new Uint8Array(data));
			const type = decoding.readVarUint(decoder);
			if (type === 101) {
				socket.write = decoding.readVarUint(decoder) === 1;
				resolve(socket);
			} else if (type === 100) {
				socket.saved = decoding.readVarUint(decoder);
			} else if (type === 0 && decoding.readVarUint(decoder) === 1) {
				resolveState(decoding.readVarUint8Array(decoder));
			}
		});
	});
}

function syncMessage(kind: 0 | 1 | 2, payload: Uint8Array): Buffer {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, kind);
	encoding.writeVarUint8Array(encoder, payload);
	return Buffer.from(encoding.toUint8Array(encoder));
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
	const until = Date.now() + ms;
	while (!check()) {
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** An instance admin made with the CLI while the server runs: a seventh user for the streams beyond 6 × 32. */
function createExtraAdmin(): Promise<void> {
	return new Promise((resolve, reject) => {
		const env = { ...process.env, DATABASE_PATH: join(dir, 'kring.db') };
		const cli = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'create-admin', '--email', EXTRA_EMAIL, '--name', 'Extra Beheerder'], { cwd: ROOT, env, stdio: ['pipe', 'ignore', 'pipe'] });
		let err = '';
		cli.stderr!.on('data', (d: Buffer) => (err += d));
		cli.stdin!.end(`${EXTRA_PASSWORD}\n`);
		cli.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`create-admin failed (${code}): ${err}`))));
	});
}

test.describe('operations: shutdown, readiness, metrics', () => {
	test.describe.configure({ mode: 'serial' });

	test.beforeAll(async () => {
		test.setTimeout(120_000);
		dir = mkdtempSync(join(tmpdir(), 'kring-shutdown-e2e-'));
		port = await freePort();
		base = `http://127.0.0.1:${port}`;
		server = await start();
	});

	test.afterAll(async () => {
		await stop(server);
		rmSync(dir, { recursive: true, force: true });
	});

	test('metrics need the token; security.txt; the request id is in the header and on the log line', async () => {
		expect((await fetch(`${base}/metrics`)).status).toBe(401);
		expect((await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
		const scrape = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
		expect(scrape.status).toBe(200);
		expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
		const text = await scrape.text();
		for (const name of ['process_cpu_user_seconds_total', 'kring_http_request_duration_seconds', 'kring_collab_connections', 'kring_collab_documents', 'kring_event_streams', 'kring_login_throttled_total', 'kring_collab_commit_duration_seconds', 'kring_collab_broadcast_duration_seconds', 'kring_collab_close_total']) {
			expect(text, name).toContain(name);
		}
		// by route id, never the path
		expect(text).toContain('route="/healthz"');

		const security = await fetch(`${base}/.well-known/security.txt`);
		expect(security.status).toBe(200);
		const body = await security.text();
		expect(body).toContain('Contact: mailto:security@gemeente.example\n');
		expect(body).toContain('Preferred-Languages: nl, en\n');
		const expires = new Date(/Expires: (\S+)/.exec(body)![1]).getTime();
		expect(Math.abs(expires - (Date.now() + 365 * 86_400_000))).toBeLessThan(2 * 86_400_000);

		const own = await fetch(`${base}/readyz`, { headers: { 'x-request-id': 'proxy-id-12345678' } });
		expect(own.status).toBe(200);
		expect(await own.json()).toEqual({ status: 'ready' });
		expect(own.headers.get('x-request-id')).toBe('proxy-id-12345678');
		const generated = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'bad id' } });
		expect(await generated.json()).toEqual({ status: 'ok' });
		expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
		await waitFor(() => server!.log().some((l) => l.requestId === 'proxy-id-12345678' && l.path === '/readyz'), 5000, 'the log line');
		const generatedId = generated.headers.get('x-request-id');
		await waitFor(() => server!.log().some((l) => l.requestId === generatedId && l.path === '/healthz'), 5000, 'the generated id on the log line');
	});

	test('SIGTERM with 200 event streams and 100 sockets open exits 0 within 5 s and keeps an acknowledged edit', async () => {
		test.setTimeout(180_000);
		await createExtraAdmin();
		const accounts = Object.keys(ACCOUNTS) as AccountName[];
		// two sessions per account: at most 16 streams per session, 32 per user
		const sessions: Array<{ account: AccountName | 'extra'; cookie: string }> = [];
		for (const account of accounts) for (let i = 0; i < 2; i++) sessions.push({ account, cookie: await signIn(ACCOUNTS[account].email) });
		const extra = await signIn(EXTRA_EMAIL, EXTRA_PASSWORD);

		const streams: OpenStream[] = [];
		const sockets: Socket[] = [];
		const planOf = new Map<string, { id: string; documentName: string }>();
		for (const { account, cookie } of sessions) {
			if (!planOf.has(account)) {
				const { plans } = await getJson<{ plans: Array<{ id: string }> }>('/api/plans', cookie);
				const plan = await getJson<{ id: string; documentName: string }>(`/api/plans/${plans[0].id}`, cookie);
				planOf.set(account, plan);
			}
			const plan = planOf.get(account)!;
			const opened = await Promise.all(Array.from({ length: STREAMS_PER_USER / 2 }, () => openStream(`/api/plans/${plan.id}/events`, cookie)));
			streams.push(...opened);
		}
		// the seventh user: 8 inbox streams make 200
		streams.push(...(await Promise.all(Array.from({ length: 200 - streams.length }, () => openStream('/api/inbox/events', extra)))));
		expect(streams).toHaveLength(200);

		// 100 sockets spread over the sessions (at most 32 per session)
		for (let i = 0; sockets.length < 100; i++) {
			const { account, cookie } = sessions[i % sessions.length];
			sockets.push(await openSocket(planOf.get(account as AccountName)!.documentName, cookie));
		}

		const scrape = await (await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
		expect(scrape).toMatch(/^kring_event_streams 200$/m);
		expect(scrape).toMatch(/^kring_collab_connections 100$/m);
		expect(Number(/^kring_collab_documents (\d+)$/m.exec(scrape)![1])).toBeGreaterThanOrEqual(1);

		// an edit, acknowledged ("saved") by the server just before the signal
		const editor = sockets.find((s) => s.write);
		expect(editor, 'a socket with write access').toBeTruthy();
		const marker = `opsb-${Date.now()}`;
		const local = new Y.Doc();
		local.getMap('shutdown-test').set('marker', marker);
		editor!.ws.send(syncMessage(2, Y.encodeStateAsUpdate(local)));
		await waitFor(() => editor!.saved >= 1, 5000, 'the saved acknowledgement');
		const editorAccount = sessions[sockets.indexOf(editor!) % sessions.length].account as AccountName;
		const editedDocument = planOf.get(editorAccount)!.documentName;

		const signalled = Date.now();
		server!.child.kill('SIGTERM');
		const code = await Promise.race([server!.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
		const took = Date.now() - signalled;
		expect(code, 'exit code').toBe(0);
		expect(took, `shutdown took ${took} ms`).toBeLessThan(5000);
		const stopped = server!.log().find((l) => l.msg === 'stopped');
		expect(stopped, 'the "stopped" log line').toBeTruthy();

		// every stream ended (the browser's EventSource reconnects), every socket closed with 1001 "going away"
		expect(new Set(await Promise.all(streams.map((s) => s.ended)))).toEqual(new Set(['ended']));
		expect(new Set(await Promise.all(sockets.map((s) => s.closed)))).toEqual(new Set([1001]));

		// after a restart the acknowledged edit is there
		server = await start();
		const cookie = await signIn(ACCOUNTS[editorAccount].email);
		const reader = await openSocket(editedDocument, cookie);
		reader.ws.send(syncMessage(0, Y.encodeStateVector(new Y.Doc())));
		const stored = new Y.Doc();
		Y.applyUpdate(stored, await reader.state);
		expect(stored.getMap('shutdown-test').get('marker')).toBe(marker);
		reader.ws.close();
	});

	test('/readyz answers 503 while the process drains, and a request stuck past the grace period does not hold the exit', async () => {
		test.setTimeout(60_000);
		expect((await fetch(`${base}/readyz`)).status).toBe(200);
		// A form post whose body never finishes: in flight, so the server waits its grace period for it.
		const stuck = connect(port, '127.0.0.1');
		stuck.on('error', () => {});
		const stuckClosed = new Promise<void>((r) => stuck.once('close', () => r()));
		stuck.write(`POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${base}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\nemail=`);
		// A readiness probe whose request line arrived, but not yet its last header line.
		const probe = connect(port, '127.0.0.1');
		probe.on('error', () => {});
		let answer = '';
		probe.on('data', (d: Buffer) => (answer += d.toString('latin1')));
		const probeClosed = new Promise<void>((r) => probe.once('close', () => r()));
		probe.write(`GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
		await new Promise((r) => setTimeout(r, 300));

		const signalled = Date.now();
		server!.child.kill('SIGTERM');
		await waitFor(() => server!.log().some((l) => l.msg === 'shutting down'), 3000, 'shutdown to begin');
		probe.write('\r\n');
		await probeClosed;
		expect(answer).toMatch(/^HTTP\/1\.1 503/);
		expect(answer.toLowerCase()).toContain('connection: close');
		expect(answer).toContain('{"status":"unavailable","reason":"draining"}');

		expect(await server!.exited).toBe(0);
		expect(Date.now() - signalled).toBeLessThan(5000);
		await stuckClosed;
		expect(server!.log().some((l) => l.msg === 'requests still open after the grace period: connections dropped')).toBe(true);
	});
});

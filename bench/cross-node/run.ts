/**
 * `npm run bench:cross-node`: what a socket costs when it reaches a node that
 * does not own its document (issue 18). That node forwards the socket's
 * frames to the owner (server/collab/forward.ts), so each message makes one
 * more hop. The peer is the same socket on the owner itself, in the same run.
 *
 * Two collaboration nodes (server/collab/test-fixtures/pg-node.ts, composed
 * as server/app.ts does for DATABASE_URL) on one durable PostgreSQL 15
 * (fsync and synchronous_commit on); PostgreSQL and both nodes on core 0,
 * this runner (the load generator) on core 1. Node A owns the document (a
 * client holds it open there the whole run). Real y-websocket clients.
 *
 * - edit → remote apply: a writer types an edit every 25 ms for
 *   BENCH_SECONDS (default 15) and a reader times its arrival; four
 *   placements — both on A, writer on B, reader on B, both on B — in
 *   BENCH_ROUNDS (default 3) rounds, the placements interleaved in each.
 * - connect + sync: a new client until it is synced, on A or on B, alternating
 *   (BENCH_CONNECTS, default 60, each).
 *
 * Writes the "Cross-node socket" section of docs/benchmarks.md unless
 * BENCH_NO_REPORT=1.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { connectClient, createPostgresCollabDatabase, synced, type TestClient } from '../../server/collab/test-fixtures/harness.ts';
import { startPostgres } from '../../server/testing/postgres.ts';
import { percentile, writeSection } from '../lib/harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTS = Number(process.env.BENCH_CONNECTS ?? 60);
const INTERVAL_MS = 25;
const NODE = fileURLToPath(new URL('../../server/collab/test-fixtures/pg-node.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Node {
	child: ChildProcess;
	at: { url: string; origin: string };
}

function pinRunner(): void {
	try {
		execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
	} catch {
		console.warn('taskset not available: runner not pinned');
	}
}

async function startNode(id: string, databaseUrl: string): Promise<Node> {
	const child = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', NODE], {
		cwd: ROOT,
		env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ID: id, LOG_LEVEL: 'warn' },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const line = await new Promise<string>((resolve, reject) => {
		createInterface({ input: child.stdout! }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`node ${id} exited early (${code})`)));
	});
	const { port } = JSON.parse(line) as { port: number };
	return { child, at: { url: `ws://127.0.0.1:${port}/collab`, origin: `http://127.0.0.1:${port}` } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One paced run: latencies in ms of every edit the reader received. */
async function paced(name: string, writerAt: Node, readerAt: Node, tokens: [string, string], tag: string): Promise<number[]> {
	const writer = connectClient(writerAt.at, name, tokens[0]);
	const reader = connectClient(readerAt.at, name, tokens[1]);
	try {
		await Promise.all([synced(writer, 10_000), synced(reader, 10_000)]);
		const sent = new Map<string, number>();
		const latencies: number[] = [];
		const text = reader.doc.getText('body');
		const pattern = new RegExp(`${tag}(\\d+);`, 'g');
		text.observe((event) => {
			const now = performance.now();
			for (const op of event.delta) {
				if (typeof op.insert !== 'string') continue;
				for (const m of op.insert.matchAll(pattern)) {
					const at = sent.get(m[1]);
					if (at !== undefined) latencies.push(now - at);
				}
			}
		});
		const body = writer.doc.getText('body');
		const end = performance.now() + SECONDS * 1000;
		for (let i = 0; performance.now() < end; i++) {
			sent.set(String(i), performance.now());
			body.insert(body.length, `${tag}${i};`);
			await sleep(INTERVAL_MS);
		}
		await sleep(1000);
		if (latencies.length < sent.size) throw new Error(`${tag}: ${sent.size - latencies.length} of ${sent.size} edits never arrived`);
		return latencies;
	} finally {
		writer.destroy();
		reader.destroy();
	}
}

/** From opening the socket to the provider's 'sync' event (not polled: synced() looks every 10 ms). */
async function connectTime(name: string, at: Node, token: string): Promise<number> {
	const started = performance.now();
	const c: TestClient = connectClient(at.at, name, token, { doc: new Y.Doc() });
	try {
		return await new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('no sync within 10 s')), 10_000);
			c.provider.on('sync', (isSynced: boolean) => {
				if (!isSynced) return;
				clearTimeout(timer);
				resolve(performance.now() - started);
			});
		});
	} finally {
		c.destroy();
	}
}

function summary(values: number[]) {
	const sorted = [...values].sort((a, b) => a - b);
	return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

const f = (ms: number) => ms.toFixed(2);

async function main(): Promise<void> {
	pinRunner();
	const load = loadavg();
	const startedAt = new Date();
	const pgServer = await startPostgres({ durable: true, cpus: '0' });
	const nodes: Node[] = [];
	try {
		const url = await pgServer.createDatabase('kring_cross_node');
		const { seed, close } = await createPostgresCollabDatabase(url);
		await close();
		const a = await startNode('a', url);
		nodes.push(a);
		const b = await startNode('b', url);
		nodes.push(b);
		const name = `action:${seed.actionIds[0]}`;
		// the document's owner is node A for the whole run
		const holder = connectClient(a.at, name, seed.editor.token);
		await synced(holder, 10_000);
		const tokens: [string, string] = [seed.editor.token, seed.editor2.token];
		const placements = [
			{ id: 'AA', label: 'writer and reader on the owner (A)', writer: a, reader: a },
			{ id: 'BA', label: 'writer on B (forwarded), reader on A', writer: b, reader: a },
			{ id: 'AB', label: 'writer on A, reader on B (forwarded)', writer: a, reader: b },
			{ id: 'BB', label: 'writer and reader on B (both forwarded)', writer: b, reader: b }
		];
		const results = new Map<string, number[]>(placements.map((p) => [p.id, []]));
		for (let round = 0; round < ROUNDS; round++) {
			for (const p of placements) {
				const latencies = await paced(name, p.writer, p.reader, tokens, `${p.id}${round}x`);
				results.get(p.id)!.push(...latencies);
				console.log(`round ${round + 1}/${ROUNDS} ${p.id}: p50 ${f(summary(latencies).p50)} ms, p99 ${f(summary(latencies).p99)} ms (${latencies.length})`);
			}
		}
		const connects = { A: [] as number[], B: [] as number[] };
		for (let i = 0; i < CONNECTS; i++) {
			connects.A.push(await connectTime(name, a, seed.editor2.token));
			connects.B.push(await connectTime(name, b, seed.editor2.token));
		}
		holder.destroy();

		const same = summary(results.get('AA')!);
		const rows = placements.map((p) => {
			const s = summary(results.get(p.id)!);
			return `| ${p.label} | ${s.n} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.p99)} | ${(s.p50 / same.p50).toFixed(2)}× | ${(s.p99 / same.p99).toFixed(2)}× |`;
		});
		const ratioRange = (q: 'p50' | 'p99') => {
			const ratios = placements.slice(1).map((p) => summary(results.get(p.id)!)[q] / same[q]);
			return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`;
		};
		const ca = summary(connects.A);
		const cb = summary(connects.B);
		const command = `BENCH_SECONDS=${SECONDS} BENCH_ROUNDS=${ROUNDS} BENCH_CONNECTS=${CONNECTS} npm run bench:cross-node`;
		const section = `## Cross-node socket (issue 18)

\`${command}\` (bench/cross-node/run.ts), ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, load average at the start ${load.map((l) => l.toFixed(2)).join(' ')}.
Two collaboration nodes on one durable PostgreSQL 15 (fsync and synchronous_commit on); PostgreSQL and both nodes on core 0, the load generator on core 1. Node A owns the document; a socket that reaches node B is forwarded frame by frame to A (server/collab/forward.ts). The peer is the same socket on the owner, in the same run.

Edit → remote apply (ms), an edit every ${INTERVAL_MS} ms for ${SECONDS} s, ${ROUNDS} rounds of the four placements interleaved:

| placement | edits | p50 | p95 | p99 | p50 vs owner | p99 vs owner |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Connect + sync of a new client to the open document (ms), ${CONNECTS} of each, alternating:

| reaches | p50 | p95 | p99 | p50 vs owner |
|---|---|---|---|---|
| the owner (A) | ${f(ca.p50)} | ${f(ca.p95)} | ${f(ca.p99)} | 1.00× |
| node B (forwarded) | ${f(cb.p50)} | ${f(cb.p95)} | ${f(cb.p99)} | ${(cb.p50 / ca.p50).toFixed(2)}× |

How to read it: a forwarded edit makes one more hop, a frame copied between two local sockets, next to the PostgreSQL commit that every edit waits for before it is broadcast; here p50 ranges ${ratioRange('p50')} of the owner's and p99 ${ratioRange('p99')}. Opening a socket at node B costs ${f(cb.p50 - ca.p50)} ms more at p50: node B first asks PostgreSQL who owns the document (pg_locks), then opens its own socket to the owner, which does the full upgrade check. A balancer that hashes on \`/collab/<name>\` (docs/scaling.md) avoids the hop for most sockets; nothing breaks without it.
`;
		if (process.env.BENCH_NO_REPORT === '1') console.log(`\n${section}`);
		else {
			writeSection('## Cross-node socket (issue 18)', section);
			console.log('\nwrote docs/benchmarks.md, "Cross-node socket"');
			console.log(section);
		}
	} finally {
		for (const n of nodes) n.child.kill('SIGTERM');
		await sleep(500);
		await pgServer.stop();
	}
}

await main();
process.exit(0);

/**
 * `npm run bench:capacity` — the national-peak capacity cell of issue 17:
 * SOCKETS sockets on DOCS collaborative documents held by USERS people, each
 * signed in with a session of their own (setup.ts says who holds what): two
 * 40-person evaluation sessions (a socket each on the action being discussed,
 * plus the plan's event stream) and TYPISTS people typing EDITS_PER_S Y.Text
 * inserts a second each (with a cursor awareness update per edit); every
 * other socket is an idle editor window that renews its awareness state every
 * 15 s as y-protocols does.
 *
 * Every socket holds a real Y.Doc (bench/collab/lib/client.ts probes) and
 * measures edit → remote apply: from the send time inside each edit to its
 * arrival in another socket's document, for edits sent in a WINDOW_S window
 * after WARMUP_S of load. Against Kring's real server and the reference
 * y-websocket server (servers.ts), RUNS runs each, alternating, each run on a
 * freshly started server (Kring keeps its database between runs). The server
 * is pinned to core 0, this load generator to core 1.
 *
 * Reported: p50 / p99 per run and their medians, Kring p99 ÷ reference p99,
 * the longest event-loop stall in each server over the window, edits that
 * never arrived, load average at start and end. Aim: Kring p99 < 50 ms and
 * ≤ 0.8× the reference's.
 *
 * Prints by default; BENCH_WRITE=1 also writes the "## Capacity (issue 17)"
 * section of docs/benchmarks.md. Shorter debug runs: BENCH_RUNS=1
 * BENCH_WINDOW_S=10 (and smaller BENCH_SOCKETS / BENCH_USERS / BENCH_DOCS).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Conn, Meter, openAll } from '../collab/lib/client.ts';
import { nowUs, selfTest } from '../collab/lib/proto.ts';
import { median, percentile } from '../collab/lib/stats.ts';
import { openStream, writeSection } from '../lib/harness.ts';
import { createCapacityDatabase, planSockets, SESSION_SIZE, type CapacityShape } from './setup.ts';
import { kringBuilt, ServerChild, type EventLoop } from './servers.ts';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const shape: CapacityShape = {
	users: num('BENCH_USERS', 300),
	docs: num('BENCH_DOCS', 300),
	sockets: num('BENCH_SOCKETS', 1000),
	typists: num('BENCH_TYPISTS', 50)
};
const EDITS_PER_S = 2;
const AWARENESS_RENEW_MS = 15_000;
const RUNS = num('BENCH_RUNS', 3);
const WINDOW_S = num('BENCH_WINDOW_S', 30);
const WARMUP_S = num('BENCH_WARMUP_S', 5);
const DRAIN_MS = 2000;
const SECTION = '## Capacity (issue 17)';
const POLICY = { idleTimeoutMs: 12 * 3_600_000, absoluteTimeoutMs: 7 * 24 * 3_600_000 };

const t0 = performance.now();
const log = (msg: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
try {
	execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
} catch {
	console.warn('taskset failed: the load generator is not pinned');
}
if (!kringBuilt()) throw new Error('run `npm run build` first (KRING_BUILD_DIR is honoured)');
selfTest();

const loadStart = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'kring-bench-capacity-'));
const plan = planSockets(shape);
const database = await createCapacityDatabase(join(dir, 'kring.db'), shape, plan, POLICY);
const docName = (doc: number) => `action:${database.actionIds[doc]}`;
const typing = plan.sockets.filter((s) => s.types);
log(`${shape.users} people, ${shape.docs} documents, ${plan.sockets.length} sockets (${2 * SESSION_SIZE} in two sessions, ${typing.length} typing)`);

interface RunResult {
	server: 'kring' | 'reference';
	p50: number;
	p99: number;
	samples: number;
	expected: number;
	eventLoop: EventLoop;
	/** events the session people's plan streams received, by kind */
	streamEvents: Map<string, number>;
	closes: number;
	load: number;
}

async function run(kind: 'kring' | 'reference'): Promise<RunResult> {
	const server = new ServerChild(kind);
	await server.start(database.path);
	const meter = new Meter();
	const conns = plan.sockets.map((s, i) => {
		const headers = kind === 'kring' ? { Cookie: `session=${database.tokens[s.user]}`, Origin: server.origin } : undefined;
		return new Conn({ port: server.port, pathPrefix: server.pathPrefix, framing: 'y', headers }, docName(s.doc), new Client(i, true), meter);
	});
	const timers: ReturnType<typeof setTimeout>[] = [];
	const streams: { close(): void }[] = [];
	const streamEvents = new Map<string, number>();
	try {
		await openAll(conns, 24);
		if (kind === 'kring') {
			// the session people hold their plan's event stream, as the session page does
			for (const s of plan.sockets) {
				if (s.role !== 'session') continue;
				const cookie = `session=${database.tokens[s.user]}`;
				streams.push(await openStream(`${server.origin}/api/plans/${database.planOfDoc(s.doc)}/events`, cookie, (change) => {
					const kind = String(change.kind ?? change.type ?? 'other');
					streamEvents.set(kind, (streamEvents.get(kind) ?? 0) + 1);
				}));
			}
		}
		// every window announces itself, then renews its awareness state now and then
		for (const c of conns) {
			c.sendAwareness();
			const renew = () => {
				c.sendAwareness();
				timers.push(setTimeout(renew, AWARENESS_RENEW_MS * (0.9 + Math.random() * 0.2)));
			};
			timers.push(setTimeout(renew, Math.random() * AWARENESS_RENEW_MS));
		}
		// typists: EDITS_PER_S inserts a second each, at their own phase, a cursor update with each
		const sent = new Map<number, number>();
		for (const [i, s] of plan.sockets.entries()) {
			if (!s.types) continue;
			const c = conns[i];
			const tick = () => {
				const ts = nowUs();
				c.sendEdit(ts);
				c.sendAwareness();
				if (ts >= meter.latFromUs && ts <= meter.latToUs) sent.set(s.doc, (sent.get(s.doc) ?? 0) + 1);
			};
			const start = setTimeout(() => timers.push(setInterval(tick, 1000 / EDITS_PER_S)), Math.random() * (1000 / EDITS_PER_S));
			timers.push(start);
		}
		await sleep(WARMUP_S * 1000);
		await server.resetEventLoop();
		meter.latFromUs = nowUs();
		meter.latToUs = meter.latFromUs + WINDOW_S * 1e6;
		await sleep(WINDOW_S * 1000);
		const eventLoop = await server.eventLoop();
		await sleep(DRAIN_MS);
		// every edit sent in the window should reach every other socket on its document
		const onDoc = new Map<number, number>();
		for (const s of plan.sockets) onDoc.set(s.doc, (onDoc.get(s.doc) ?? 0) + 1);
		let expected = 0;
		for (const [doc, n] of sent) expected += n * (onDoc.get(doc)! - 1);
		const lat = [...meter.lat].sort((a, b) => a - b);
		return {
			server: kind,
			p50: percentile(lat, 0.5),
			p99: percentile(lat, 0.99),
			samples: lat.length,
			expected,
			eventLoop,
			streamEvents,
			closes: meter.unexpectedCloses,
			load: loadavg()[0]
		};
	} finally {
		for (const t of timers) clearTimeout(t);
		for (const s of streams) s.close();
		for (const c of conns) c.close();
		await server.stop();
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

const results: RunResult[] = [];
try {
	for (let r = 0; r < RUNS; r++) {
		for (const kind of ['kring', 'reference'] as const) {
			const result = await run(kind);
			results.push(result);
			log(
				`run ${r + 1} ${kind}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.samples}/${result.expected} deliveries, ` +
					`longest stall ${result.eventLoop.max.toFixed(1)} ms, ${result.eventLoop.stalls} stalls ≥ 10 ms, ${result.closes} unexpected closes, load ${result.load.toFixed(2)}`
			);
		}
	}
} finally {
	rmSync(dir, { recursive: true, force: true });
}
const loadEnd = loadavg();
const tookS = (performance.now() - t0) / 1000;

const of = (kind: string) => results.filter((r) => r.server === kind);
const med = (kind: string, f: (r: RunResult) => number) => median(of(kind).map(f));
const kringP99 = med('kring', (r) => r.p99);
const refP99 = med('reference', (r) => r.p99);
const ratio = kringP99 / refP99;
const stall = Math.max(...of('kring').map((r) => r.eventLoop.max));
const f1 = (x: number) => x.toFixed(1);
const row = (r: RunResult, i: number) =>
	`| ${Math.floor(i / 2) + 1} | ${r.server === 'kring' ? 'Kring' : 'y-websocket ref.'} | ${f1(r.p50)} | ${f1(r.p99)} | ${r.samples} / ${r.expected} | ` +
	`${f1(r.eventLoop.p99)} / ${f1(r.eventLoop.max)} | ${r.eventLoop.stalls}${r.eventLoop.spacing === null ? '' : ` (every ${r.eventLoop.spacing.toFixed(1)} s)`} | ${r.closes} | ${r.load.toFixed(2)} |`;
const text = `${SECTION}

\`npm run build && npm run bench:capacity\` (bench/capacity/run.ts), run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}.
The national peak: ${plan.sockets.length} sockets on ${shape.docs} action documents of ${database.planIds.length} plans, held by ${shape.users} people, each signed in with a session of their own (memberships in two regions; one in three an editor at home, every other role read only). Two evaluation sessions of ${SESSION_SIZE} people (a socket each on the action being discussed, and the plan's event stream on Kring), ${typing.length} people typing ${EDITS_PER_S} Y.Text inserts a second each with a cursor update (4 of them in the sessions), every other socket an idle editor renewing its awareness every ${AWARENESS_RENEW_MS / 1000} s. Kring is the real server (server/index.ts, built app, default settings: upgrade checks, socket re-check every 3 s, projection); the reference is @y/websocket-server, unmodified, without a store and without an upgrade check (every socket is open before the window). Server pinned to core 0, load generator to core 1; every socket holds a Y.Doc and measures edit → remote apply for edits sent in a ${WINDOW_S} s window after ${WARMUP_S} s of load; ${RUNS} runs per server, alternating, each on a freshly started server. Event loop: monitorEventLoopDelay (1 ms resolution) inside the server over the window, and a 5 ms timer counting the times it came 10 ms or more late.
Load average (1 / 5 min) at start ${loadStart[0].toFixed(2)} / ${loadStart[1].toFixed(2)}, at end ${loadEnd[0].toFixed(2)} / ${loadEnd[1].toFixed(2)} (2 cores); the whole run took ${tookS.toFixed(0)} s.

| run | server | p50, ms | p99, ms | deliveries / expected | event loop p99 / longest stall, ms | stalls ≥ 10 ms (median spacing) | unexpected closes | load (1 min) |
|---:|---|---:|---:|---:|---:|---:|---:|---:|
${results.map(row).join('\n')}

Median p99: Kring ${f1(kringP99)} ms, reference ${f1(refP99)} ms: **Kring p99 ÷ reference p99 = ${ratio.toFixed(2)}** (aim ≤ 0.8, and Kring p99 < 50 ms: ${kringP99 < 50 && ratio <= 0.8 ? 'met' : 'missed'}). Median p50: Kring ${f1(med('kring', (r) => r.p50))} ms, reference ${f1(med('reference', (r) => r.p50))} ms. Longest event-loop stall in Kring over all windows: ${f1(stall)} ms. Events the ${2 * SESSION_SIZE} session people's plan streams received on Kring, per run (all streams together): ${of('kring').map((r) => [...r.streamEvents].map(([k, n]) => `${n} ${k}`).join(' + ') || 'none').join('; ')}.
`;
console.log('\n' + text);
if (loadStart[0] > 1) console.warn(`load average ${loadStart[0].toFixed(2)} at the start: other work was running, these figures are for debugging only`);
if (process.env.BENCH_WRITE === '1') {
	writeSection(SECTION, text);
	log('wrote the section to docs/benchmarks.md');
}
log('done');
process.exit(0);

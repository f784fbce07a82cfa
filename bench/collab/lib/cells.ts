/**
 * The throughput/latency cells: {clients} × {documents}, paced or burst.
 *
 * Layout: with N clients and D documents there are max(N, 2D) connections,
 * so every document has at least two members (10 clients × 50 documents means
 * each client has 10 documents open). A client edits 2×/s in paced mode,
 * round-robin over its documents, and sends a cursor awareness update with
 * every edit. The first min(N, 16) clients are probes (real Y.Docs).
 */
import { Client, Conn, Meter, openAll, type Target } from './client.ts';
import { EDIT_LEN, SEED_CLIENT, editContent, encodeEditUpdate, nowUs } from './proto.ts';
import { coresBusyMs, sleep, type ServerProc } from './proc.ts';
import { percentile } from './stats.ts';
import { loadavg } from 'node:os';

export interface CellCfg {
	clients: number;
	docs: number;
	/** paced latency only (the two-client cell): no burst, not in the throughput table */
	latencyOnly?: boolean;
}

export interface Timing {
	pacedWarmMs: number;
	pacedWindowMs: number;
	pacedDrainMs: number;
	burstCapMs: number;
	burstTargetDeliveries: number;
	burstMaxPerConn: number;
	/** at most this many edits per burst in total */
	burstMaxEdits: number;
	/** a server not idle this long after a phase is restarted */
	idleCapMs: number;
}

export const PROBES = 16;

export interface Layout {
	conns: { client: number; doc: number }[];
	members: number[];
	probesIn: number[];
}

export function layout(cfg: CellCfg): Layout {
	const { clients: N, docs: D } = cfg;
	const conns: { client: number; doc: number }[] = [];
	if (N >= 2 * D) {
		for (let j = 0; j < N; j++) conns.push({ client: j, doc: j % D });
	} else {
		for (let j = 0; j < 2 * D; j++) conns.push({ client: (j + Math.floor(j / D)) % N, doc: j % D });
	}
	const members = new Array(D).fill(0);
	const probesIn = new Array(D).fill(0);
	const seen = new Set<string>();
	for (const c of conns) {
		const key = `${c.client}/${c.doc}`;
		if (seen.has(key)) throw new Error(`layout ${N}x${D}: client ${c.client} twice in doc ${c.doc}`);
		seen.add(key);
		members[c.doc]++;
		if (c.client < PROBES) probesIn[c.doc]++;
	}
	return { conns, members, probesIn };
}

export interface PhaseResult {
	mode: 'paced' | 'burst';
	deliveries: number;
	seconds: number;
	perSec: number;
	/** paced: deliveries/s the workload asked for; burst: deliveries expected in total */
	offered: number;
	complete?: boolean;
	p50?: number;
	p99?: number;
	latSamples?: number;
	latMissing?: number;
	serverCpu: number;
	lgCpu: number;
	/** cores 0–1 busy with other processes (other sessions, the kernel), in cores */
	foreignCpu: number;
	unexpectedCloses: number;
	closeCodes: Record<string, number>;
	errors: number;
	restarted: boolean;
	failed?: string;
}

interface Session {
	clients: Client[];
	conns: Conn[];
	meter: Meter;
	lay: Layout;
}

async function connect(target: Target, names: string[], cfg: CellCfg): Promise<Session> {
	const lay = layout(cfg);
	const meter = new Meter();
	const clients = Array.from({ length: cfg.clients }, (_, i) => new Client(i, i < PROBES));
	const conns = lay.conns.map((c) => {
		const conn = new Conn(target, names[c.doc], clients[c.client], meter);
		clients[c.client].conns.push(conn);
		return conn;
	});
	const session = { clients, conns, meter, lay };
	try {
		await openAll(conns);
	} catch (err) {
		for (const c of conns) c.close();
		throw err;
	}
	// one seed item per document (see SEED_CLIENT), sent by its first connection
	const seed = encodeEditUpdate(SEED_CLIENT, 0, '.'.repeat(lay.conns.length + 1));
	const seeded = new Set<number>();
	lay.conns.forEach((c, j) => {
		conns[j].seedSlot = j;
		if (!seeded.has(c.doc)) {
			seeded.add(c.doc);
			conns[j].sendUpdate(seed);
		}
	});
	for (const c of conns) c.sendAwareness();
	return session;
}

const burstCache = new Map<string, { k: number; updates: Uint8Array[][] }>();

/** burst payloads, made once per cell shape and reused for every server and repetition (documents are fresh each time) */
function burstUpdates(cfg: CellCfg, lay: Layout, t: Timing) {
	const key = `${cfg.clients}x${cfg.docs}`;
	let entry = burstCache.get(key);
	if (!entry) {
		let fanout = 0;
		for (const c of lay.conns) fanout += lay.members[c.doc] - 1;
		const k = Math.max(
			1,
			Math.min(t.burstMaxPerConn, Math.round(t.burstTargetDeliveries / fanout), Math.floor(t.burstMaxEdits / lay.conns.length))
		);
		const updates = lay.conns.map((c, j) => {
			const yClient = 2_000_000_000 + j;
			const list: Uint8Array[] = [];
			for (let r = 0; r < k; r++) {
				list.push(encodeEditUpdate(yClient, r * EDIT_LEN, editContent(c.client, 1_000_000 + j * 1000 + r, 0), j));
			}
			return list;
		});
		entry = { k, updates };
		burstCache.set(key, entry);
	}
	return entry;
}

function closeCodes(m: Meter): Record<string, number> {
	return Object.fromEntries([...m.closeCodes].map(([k, v]) => [String(k), v]));
}

export interface CellResult {
	paced: PhaseResult | null;
	burst: PhaseResult | null;
	restarts: number;
	failed?: string;
	/** 1-minute load average when the run started and when it ended */
	load?: { start: number; end: number };
}

/** which phases a run of a cell measures */
export interface Phases {
	paced: boolean;
	burst: boolean;
}

/**
 * One run of a cell on one server: connect everyone, paced phase, then (on the
 * same connections, unless the server had to be restarted) the burst phase.
 * A server still busy `idleCapMs` after a phase is SIGKILLed and restarted
 * (a backlog would otherwise spill into the next measurement).
 */
export async function runCell(
	server: ServerProc,
	names: string[],
	cfg: CellCfg,
	t: Timing,
	phases: Phases = { paced: true, burst: true }
): Promise<CellResult> {
	const out: CellResult = { paced: null, burst: null, restarts: 0, load: { start: loadavg()[0], end: NaN } };
	let s: Session | null = null;
	const finish = (r: PhaseResult, m: Meter) => {
		r.unexpectedCloses = m.unexpectedCloses;
		r.closeCodes = closeCodes(m);
		r.errors = m.errors;
		return r;
	};
	const settle = async (): Promise<boolean> => {
		if (await server.waitIdle(t.idleCapMs, 150)) return true;
		if (s) for (const c of s.conns) c.close();
		s = null;
		await server.restart();
		out.restarts++;
		return false;
	};
	const open = async (): Promise<Session> => {
		const session = await connect(server.info, names, cfg);
		await sleep(100);
		await server.waitIdle(1500, 150);
		session.meter.reset();
		return session;
	};
	try {
		if (phases.paced) {
			s = await open();
			out.paced = finish(await paced(server, s, t), s.meter);
			if (!(await settle())) out.paced.restarted = true;
		}
		if (phases.burst) {
			if (!s) s = await open();
			const session: Session = s;
			out.burst = finish(await burst(server, session, cfg, t), session.meter);
			for (const c of session.conns) c.close();
			s = null;
			if (!(await settle())) out.burst.restarted = true;
		}
		if (s) for (const c of (s as Session).conns) c.close();
	} catch (err) {
		out.failed = (err as Error).message;
		if (s) for (const c of (s as Session).conns) c.close();
		if (!(await server.waitIdle(t.idleCapMs, 150))) {
			await server.restart();
			out.restarts++;
		}
	}
	out.load!.end = loadavg()[0];
	return out;
}

async function paced(server: ServerProc, s: Session, t: Timing): Promise<PhaseResult> {
	const { meter: m, lay, clients } = s;
	const t0 = nowUs();
	m.latFromUs = t0 + t.pacedWarmMs * 1000;
	m.latToUs = m.latFromUs + t.pacedWindowMs * 1000;
	let expectedLat = 0;
	let offered = 0;
	const docOf = new Map<Conn, number>();
	s.conns.forEach((c, j) => docOf.set(c, lay.conns[j].doc));
	const timers: NodeJS.Timeout[] = [];
	const stopAt = m.latToUs;
	for (const client of clients) {
		const tick = () => {
			const ts = nowUs();
			if (ts > stopAt) return;
			const conn = client.tick(ts, true);
			if (conn && ts >= m.latFromUs) {
				const doc = docOf.get(conn)!;
				offered += lay.members[doc] - 1;
				expectedLat += lay.probesIn[doc] - (client.probe ? 1 : 0);
			}
		};
		const phase = Math.random() * 500;
		timers.push(
			setTimeout(() => {
				tick();
				timers.push(setInterval(tick, 500));
			}, phase)
		);
	}
	await sleep(t.pacedWarmMs);
	const cpu0 = server.cpuMs();
	const lg0 = process.cpuUsage();
	const busy0 = coresBusyMs();
	const w0 = performance.now();
	m.active = true;
	await sleep(t.pacedWindowMs);
	m.active = false;
	const seconds = (performance.now() - w0) / 1000;
	const serverMs = server.cpuMs() - cpu0;
	const serverCpu = serverMs / 1000 / seconds;
	const lg = process.cpuUsage(lg0);
	const foreignCpu = Math.max(0, coresBusyMs() - busy0 - serverMs - (lg.user + lg.system) / 1000) / 1000 / seconds;
	const deliveries = m.deliveries;
	for (const timer of timers) clearTimeout(timer);
	const drainEnd = performance.now() + t.pacedDrainMs;
	while (m.lat.length < expectedLat && performance.now() < drainEnd) await sleep(20);
	const missing = Math.max(0, expectedLat - m.lat.length);
	const lat = m.lat.slice().sort((a, b) => a - b);
	for (let i = 0; i < missing; i++) lat.push(Infinity);
	return {
		mode: 'paced',
		deliveries,
		seconds,
		perSec: deliveries / seconds,
		offered: offered / seconds,
		p50: percentile(lat, 0.5),
		p99: percentile(lat, 0.99),
		latSamples: m.lat.length,
		latMissing: missing,
		serverCpu,
		lgCpu: (lg.user + lg.system) / 1e6 / seconds,
		foreignCpu,
		unexpectedCloses: 0,
		closeCodes: {},
		errors: 0,
		restarted: false
	};
}

async function burst(server: ServerProc, s: Session, cfg: CellCfg, t: Timing): Promise<PhaseResult> {
	const { meter: m, lay, conns } = s;
	// the paced phase ran on the same connections and meter: start from zero,
	// or its deliveries (and its last delivery time) count towards this burst
	m.reset();
	const { k, updates } = burstUpdates(cfg, lay, t);
	const frames = conns.map((c, j) => updates[j].map((u) => c.updateFrame(u)));
	let expected = 0;
	for (const c of lay.conns) expected += k * (lay.members[c.doc] - 1);
	const cpu0 = server.cpuMs();
	const lg0 = process.cpuUsage();
	const busy0 = coresBusyMs();
	const start = performance.now();
	const deadline = start + t.burstCapMs;
	m.active = true;
	// one edit per connection per round; let the event loop read in between rounds
	for (let r = 0; r < k; r++) {
		for (let j = 0; j < conns.length; j++) conns[j].send(frames[j][r]);
		if (r % 4 === 3) await new Promise((res) => setImmediate(res));
	}
	while (m.deliveries < expected && performance.now() < deadline) {
		await new Promise((res) => setTimeout(res, 1));
	}
	m.active = false;
	const complete = m.deliveries >= expected;
	const end = complete ? m.lastAt : performance.now();
	const seconds = (end - start) / 1000;
	const wall = (performance.now() - start) / 1000;
	const lg = process.cpuUsage(lg0);
	const serverMs = server.cpuMs() - cpu0;
	const foreignCpu = Math.max(0, coresBusyMs() - busy0 - serverMs - (lg.user + lg.system) / 1000) / 1000 / wall;
	return {
		mode: 'burst',
		deliveries: m.deliveries,
		seconds,
		perSec: m.deliveries / seconds,
		offered: expected,
		complete,
		serverCpu: serverMs / 1000 / wall,
		lgCpu: (lg.user + lg.system) / 1e6 / wall,
		foreignCpu,
		unexpectedCloses: 0,
		closeCodes: {},
		errors: 0,
		restarted: false
	};
}

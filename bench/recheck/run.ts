/**
 * `npm run bench:recheck` — issue 17: does the collaboration server's safety
 * re-check of every open socket (session still valid, rights unchanged) block
 * the event loop?
 *
 * One process: a temporary database with USERS users (each with a session and
 * a region role: a third editors, the rest readers) and DOCS action
 * documents, the collaboration server (`createCollabServer`, the composition
 * of the tests) on a free port, and SOCKETS raw WebSockets (socket i: user
 * i mod USERS, document 7·i mod DOCS), idle after their handshake. The server
 * re-checks every SWEEP_MS (1 s here, 3 s in production, so more sweeps fit).
 *
 * Two phases of PHASE_MS each:
 *  - quiet: nothing in the database changes;
 *  - busy: every 100 ms the app's connection writes a column rights depend on
 *    (a user's name, set to what it was), so a re-check that skips quiet
 *    intervals must still run in full every time.
 * Each phase reports the event loop delay (perf_hooks.monitorEventLoopDelay,
 * 1 ms resolution: p50 / p99 / max) and the longest stall seen by a 1 ms
 * interval timer (its largest gap minus 1 ms) — the longest synchronous
 * slice of whatever ran, the re-check included, since nothing else does —
 * and, where the server reports them (`observe.recheckSlice`), the longest
 * re-check slice and the sockets checked.
 * Then one user's region role is deleted behind the server's back (no
 * recheckUser call) and the time until its sockets are closed is reported:
 * it must stay within the sweep interval. Last, what `DATABASE_SYNC=full`
 * costs per commit: COMMITS single-update commits on a fresh database with
 * synchronous=NORMAL and with FULL.
 *
 * `BENCH_NO_REPORT=1` prints the section instead of writing it to
 * docs/benchmarks.md; BENCH_LABEL names the run (e.g. "before", "after").
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { newId } from '../../src/lib/server/id.ts';
import { parseDocName } from '../../src/lib/doc-name.ts';
import { createSession, generateSessionToken, sessionIdFromToken } from '../../src/lib/server/session.ts';
import { recheckQueries } from '../../server/collab/recheck.ts';
import { collabStore } from '../../server/collab/store.ts';
import { SLICE } from '../../server/collab/sweep.ts';
import { createTestDatabase, POLICY, startTestServer } from '../../server/collab/test-fixtures/harness.ts';
import { percentile, writeSection } from '../lib/harness.ts';

const USERS = Number(process.env.BENCH_USERS ?? 300);
const DOCS = Number(process.env.BENCH_DOCS ?? 300);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const SWEEP_MS = 1000;
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 6000);
const LABEL = process.env.BENCH_LABEL ?? 'this run';
const SECTION = '## Socket re-check (issue 17)';

const loadStart = loadavg()[0];
const database = await createTestDatabase();
const { db } = database.opened;
const { planId, themeId, regionId } = database.seed;

// ---- users, sessions, roles, documents
const users: Array<{ id: string; token: string }> = [];
const now = Date.now();
for (let i = 0; i < USERS; i++) {
	const id = newId();
	await db.insertInto('users').values({ id, email: `u${i}@bench.example`, name: `Gebruiker ${i}`, password_hash: null, color: '#000000', created_at: now }).execute();
	await db.insertInto('region_memberships').values({ user_id: id, region_id: regionId, role: i % 3 === 0 ? 'editor' : 'viewer' }).execute();
	const token = generateSessionToken();
	await createSession(db, token, id, POLICY);
	users.push({ id, token });
}
const docNames: string[] = [];
for (let i = 0; i < DOCS; i++) {
	const id = newId();
	await db
		.insertInto('actions')
		.values({
			id, plan_id: planId, theme_id: themeId, position: 10 + i, level: 'regional', title: `Actie ${i}`, status: 'not_started',
			planning_start: null, planning_end: null, cost_amount: null, funding_source_id: null, funding_note: null, lead: null,
			predecessor_id: null, archived_at: null, archive_reason: null, created_at: now, updated_at: now
		})
		.execute();
	docNames.push(`action:${id}`);
}

let slices = { times: [] as number[], sockets: 0, count: 0 };
const server = await startTestServer(database.opened, {
	sweepIntervalMs: SWEEP_MS,
	unloadDelayMs: 60_000,
	// ignored by a server without sliced re-checks (the "before" run)
	observe: {
		recheckSlice(seconds: number, sockets: number) {
			slices.times.push(seconds * 1000);
			slices.sockets += sockets;
			slices.count++;
		}
	}
} as Parameters<typeof startTestServer>[1]);

// ---- sockets
interface Socket {
	ws: WebSocket;
	user: number;
	closedAt: number | null;
	code: number | null;
}
const sockets: Socket[] = [];
async function open(i: number): Promise<void> {
	const user = i % USERS;
	const ws = new WebSocket(`${server.url}/${docNames[(7 * i) % DOCS]}`, {
		headers: { Cookie: `session=${users[user].token}`, Origin: server.origin }
	});
	const s: Socket = { ws, user, closedAt: null, code: null };
	ws.on('error', () => {});
	ws.on('close', (code) => {
		s.closedAt = performance.now();
		s.code = code;
	});
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
	});
	sockets.push(s);
}
for (let i = 0; i < SOCKETS; i += 50) {
	await Promise.all(Array.from({ length: Math.min(50, SOCKETS - i) }, (_, k) => open(i + k)));
}
await new Promise((resolve) => setTimeout(resolve, 500));
if (server.server.stats().connections !== SOCKETS) throw new Error(`expected ${SOCKETS} connections, have ${server.server.stats().connections}`);

// ---- phases
interface PhaseResult {
	p50: number;
	p99: number;
	max: number;
	stall: number;
	closed: number;
	slice: typeof slices;
}

async function phase(busy: boolean): Promise<PhaseResult> {
	const eld = monitorEventLoopDelay({ resolution: 1 });
	let last = performance.now();
	let stall = 0;
	const tick = setInterval(() => {
		const t = performance.now();
		stall = Math.max(stall, t - last - 1);
		last = t;
	}, 1);
	let n = 0;
	const writer = busy
		? setInterval(() => {
				const i = n++ % USERS;
				void db.updateTable('users').set({ name: `Gebruiker ${i}` }).where('id', '=', users[i].id).execute();
			}, 100)
		: null;
	slices = { times: [], sockets: 0, count: 0 };
	eld.enable();
	await new Promise((resolve) => setTimeout(resolve, PHASE_MS));
	eld.disable();
	clearInterval(tick);
	if (writer) clearInterval(writer);
	const ms = (ns: number) => ns / 1e6;
	return {
		p50: ms(eld.percentile(50)),
		p99: ms(eld.percentile(99)),
		max: ms(eld.max),
		stall,
		closed: sockets.filter((s) => s.closedAt !== null).length,
		slice: slices
	};
}

const quiet = await phase(false);
const busy = await phase(true);

// ---- a role deleted behind the server's back
const victim = 1; // a reader
const mine = sockets.filter((s) => s.user === victim);
const revokedAt = performance.now();
await db.deleteFrom('region_memberships').where('user_id', '=', users[victim].id).execute();
const deadline = revokedAt + SWEEP_MS * 2 + 1000;
while (mine.some((s) => s.closedAt === null) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
const closeMs = mine.every((s) => s.closedAt !== null) ? Math.max(...mine.map((s) => s.closedAt! - revokedAt)) : Infinity;
const codes = [...new Set(mine.map((s) => s.code))].join(', ');
const others = sockets.filter((s) => s.user !== victim && s.closedAt !== null).length;

// ---- one slice's queries in isolation (robust to a busy machine: the fastest and the median of many)
const queries = recheckQueries(database.opened.sqlite);
const sliceRuns: number[] = [];
const sessionIds = users.map((u) => sessionIdFromToken(u.token));
for (let run = 0; run < 300; run++) {
	const first = (run * SLICE) % (SOCKETS - SLICE);
	const indexes = Array.from({ length: SLICE }, (_, k) => first + k);
	const start = performance.now();
	const sessions = queries.checkSessions([...new Set(indexes.map((i) => sessionIds[i % USERS]))], POLICY);
	queries.roles([...new Set([...sessions.values()].flatMap((v) => (v ? [v.userId] : [])))]);
	queries.resources([...new Set(indexes.map((i) => docNames[(7 * i) % DOCS]))].map((n) => parseDocName(n)!));
	sliceRuns.push(performance.now() - start);
}
sliceRuns.sort((a, b) => a - b);

for (const s of sockets) s.ws.terminate();
await server.stop();
database.remove();

// ---- what DATABASE_SYNC=full costs: one commit of one ~50-byte update, as a flush of one turn does
async function commitCost(full: boolean): Promise<{ p50: number; p99: number }> {
	const d = await createTestDatabase();
	try {
		const { sqlite } = d.opened;
		sqlite.pragma(`synchronous = ${full ? 'FULL' : 'NORMAL'}`);
		const store = collabStore(sqlite);
		const docId = store.ensureDocument(`action:${d.seed.actionIds[0]}`);
		const update = new Uint8Array(50).fill(7);
		const times: number[] = [];
		for (let seq = 1; seq <= COMMITS; seq++) {
			const start = performance.now();
			store.transaction(() => store.append(docId, seq, update, { authors: [d.seed.editor.id], at: Date.now() }));
			times.push(performance.now() - start);
		}
		times.sort((a, b) => a - b);
		return { p50: percentile(times, 50), p99: percentile(times, 99) };
	} finally {
		d.remove();
	}
}
const COMMITS = 2000;
const normal = await commitCost(false);
const full = await commitCost(true);
const loadEnd = loadavg()[0];

const f = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2));
const sweeps = PHASE_MS / SWEEP_MS;
const row = (name: string, r: PhaseResult) =>
	`| ${LABEL} | ${name} | ${f(r.p50)} / ${f(r.p99)} / ${f(r.max)} | ${f(r.stall)} | ` +
	(r.slice.count > 0 ? `${sliceTimes(r.slice.times)} | ${Math.round(r.slice.sockets / sweeps)} |` : '— | — |');
function sliceTimes(times: number[]): string {
	const sorted = [...times].sort((a, b) => a - b);
	return `${f(percentile(sorted, 50))} / ${f(percentile(sorted, 99))} / ${f(sorted[sorted.length - 1])}`;
}
const text = `${SECTION}

\`npm run bench:recheck\` (bench/recheck/run.ts), run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}:
${USERS} users, ${DOCS} documents, ${SOCKETS} idle sockets in one process with the collaboration server, re-check every ${SWEEP_MS} ms, phases of ${PHASE_MS / 1000} s.
Load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadEnd.toFixed(2)} (2 cores, shared).

| code | phase | event loop delay, ms (p50 / p99 / max) | longest stall, ms | re-check slice, ms (p50 / p99 / max) | sockets checked per sweep |
|---|---|---:|---:|---:|---:|
${row('quiet (no writes)', quiet)}
${row('busy (a write every 100 ms)', busy)}

The queries of one slice of ${SLICE} sockets (sessions, roles, documents) run alone 300 times: fastest ${sliceRuns[0].toFixed(3)} ms, median ${percentile(sliceRuns, 50).toFixed(3)} ms, p99 ${percentile(sliceRuns, 99).toFixed(3)} ms.

One commit of one 50-byte update (${COMMITS} in a row, on the database's disk), ms p50 / p99: synchronous=NORMAL ${normal.p50.toFixed(3)} / ${normal.p99.toFixed(3)}, FULL (\`DATABASE_SYNC=full\`) ${full.p50.toFixed(3)} / ${full.p99.toFixed(3)}.

A role deleted without telling the server: its ${mine.length} sockets closed after ${f(closeMs)} ms (code ${codes}); other sockets closed: ${others}; sockets closed during the phases: ${busy.closed}.
`;
if (process.env.BENCH_NO_REPORT) console.log(text);
else {
	writeSection(SECTION, text);
	console.log(text);
}
process.exit(0);

/**
 * Turns one run's results into the `## Collaboration server` section of
 * docs/benchmarks.md: medians over the repetitions (with a 95 % t-interval of
 * the per-run p99 in paced cells), Kring/peer ratios, the load average of every
 * cell, and the aims of issue 17 checked against them (aims.ts).
 */
import { aimLines } from './aims.ts';
import type { CellCfg, CellResult, PhaseResult, Timing } from './cells.ts';
import type { BytesResult, ColdResult, KillResult, RssResult } from './figures.ts';
import { median, tInterval } from './stats.ts';

export interface Figures {
	rss?: RssResult;
	bytes?: BytesResult;
	/** 10 000-update document */
	cold?: ColdResult;
	cold100k?: ColdResult;
	kill?: KillResult;
	error?: string;
	/** 1-minute load average when this server's figures started and ended */
	load?: { start: number; end: number };
}

export interface Results {
	date: string;
	node: string;
	cpu: string;
	reps: number;
	pacedReps?: number;
	estimateS?: number;
	timing: Timing;
	servers: { id: string; label: string; persistent: boolean }[];
	kringMissing: boolean;
	figures: Record<string, Figures>;
	cells: ({ server: string; rep: number; cfg: CellCfg } & CellResult)[];
	seconds: number;
	retries?: number;
	repsDone?: number;
	loadavg: { start: number[]; end: number[] };
}

const COLS = ['kring', 'hocuspocus', 'reference-rows', 'reference'];
/** peers whose p99 Kring is held against; the relay is the physical floor, not a peer */
export const PEERS = ['hocuspocus', 'reference-rows', 'reference'];
export const SHORT: Record<string, string> = {
	kring: 'Kring',
	hocuspocus: 'Hocuspocus',
	'reference-rows': 'ref. + rows',
	reference: 'ref.',
	relay: 'bare relay'
};

export interface Agg {
	perSec: number;
	offered: number;
	p50: number;
	p99: number;
	samples: number;
	/** 95 % t-interval of the mean of the per-run p99s (null: < 2 runs or a saturated run) */
	p99ci: { mean: number; lo: number; hi: number } | null;
	lgBusy: boolean;
	foreign: number;
	/** runs the median is over */
	runs: number;
	incomplete: boolean;
	restarts: number;
	closes: number;
	failed: boolean;
}

/** a phase with more than this many cores of other processes' work counts as disturbed */
export const DISTURBED = 0.3;

/**
 * Median over the undisturbed runs of a cell (other processes used ≤ 0.3 core
 * during the phase); only when every run was disturbed, over all of them (¶).
 * Runs are chosen by disturbance, never by result.
 */
function agg(rs: (PhaseResult | null)[], restarts: number, failed: boolean): Agg | null {
	const all = rs.filter((r): r is PhaseResult => r !== null);
	if (all.length === 0) return null;
	const clean = all.filter((r) => (r.foreignCpu ?? 0) <= DISTURBED);
	const ok = clean.length > 0 ? clean : all;
	return {
		perSec: median(ok.map((r) => r.perSec)),
		offered: median(ok.map((r) => r.offered)),
		p50: median(ok.map((r) => r.p50 ?? NaN)),
		p99: median(ok.map((r) => r.p99 ?? NaN)),
		samples: ok.reduce((a, r) => a + (r.latSamples ?? 0), 0),
		p99ci: tInterval(ok.map((r) => r.p99 ?? NaN)),
		lgBusy: median(ok.map((r) => r.lgCpu)) >= 0.9,
		foreign: clean.length > 0 ? 0 : median(all.map((r) => r.foreignCpu ?? 0)),
		runs: ok.length,
		incomplete: ok.some((r) => r.complete === false),
		restarts,
		closes: ok.reduce((a, r) => a + r.unexpectedCloses, 0),
		failed
	};
}

export function fmtMs(x: number | undefined): string {
	if (x === undefined || Number.isNaN(x)) return '—';
	if (x === Infinity) return '> 1 s';
	if (x < 10) return x.toFixed(2);
	if (x < 100) return x.toFixed(1);
	return x.toFixed(0);
}

function fmtRate(x: number | undefined): string {
	if (x === undefined || Number.isNaN(x)) return '—';
	if (x >= 1e6) return (x / 1e6).toFixed(2) + ' M';
	if (x >= 1e4) return (x / 1e3).toFixed(0) + ' k';
	if (x >= 1e3) return (x / 1e3).toFixed(1) + ' k';
	return x.toFixed(0);
}

export function fmtRatio(x: number | undefined): string {
	if (x === undefined || !Number.isFinite(x) || x <= 0) return '—';
	return x >= 10 ? x.toFixed(0) + '×' : x.toFixed(2) + '×';
}

function marks(a: Agg | null): string {
	if (!a) return '';
	let m = '';
	if (a.lgBusy) m += '†';
	if (a.incomplete) m += '‡';
	if (a.restarts > 0) m += '§';
	if (a.closes > 0) m += '‖';
	if (a.foreign > DISTURBED) m += '¶';
	else if (a.runs === 1) m += '°';
	return m;
}

export type Getter = (server: string, cfg: CellCfg, mode: 'paced' | 'burst') => Agg | null;

export function writeReport(r: Results): string {
	const cols = COLS.filter((c) => r.servers.some((s) => s.id === c) || c === 'kring');
	const latCols = r.servers.some((s) => s.id === 'relay') ? [...cols, 'relay'] : cols;
	const cfgs: CellCfg[] = [];
	for (const c of r.cells) if (!cfgs.some((x) => x.clients === c.cfg.clients && x.docs === c.cfg.docs)) cfgs.push(c.cfg);
	const runsOf = (cfg: CellCfg) => r.cells.filter((c) => c.cfg.clients === cfg.clients && c.cfg.docs === cfg.docs);
	const get: Getter = (server, cfg, mode) => {
		const runs = runsOf(cfg).filter((c) => c.server === server);
		if (runs.length === 0 || runs.every((c) => !c[mode] && !c.failed)) return null;
		return agg(
			runs.map((c) => c[mode]),
			runs.reduce((a, c) => a + (c[mode]?.restarted ? 1 : 0), 0),
			runs.some((c) => c.failed)
		);
	};
	const cellName = (c: CellCfg) => `${c.clients} × ${c.docs}`;
	const loadOf = (cfg: CellCfg) => {
		const v = runsOf(cfg).flatMap((c) => (c.load ? [c.load.start, c.load.end] : [])).filter((x) => Number.isFinite(x));
		return v.length ? `${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)}` : '—';
	};
	const L: string[] = [];
	const t = r.timing;
	const paced = r.pacedReps ?? r.reps;
	const done = r.repsDone ?? Math.max(r.reps, paced);
	L.push('## Collaboration server');
	L.push('');
	L.push(
		`\`npm run bench:collab\` (bench/collab/, method in bench/collab/README.md), run ${r.date.slice(0, 16).replace('T', ' ')} UTC ` +
			`on ${r.cpu}, Node ${r.node}; every server in its own process on core 0, the load generator on core 1. ` +
			`Each cell ran ${Math.min(done, paced)} paced and ${Math.min(done, r.reps)} burst runs (medians of the runs not disturbed by other processes shown` +
			`${done < Math.max(r.reps, paced) ? `; ${paced} paced and ${r.reps} burst runs were planned, the rest did not fit the time budget` : ''}); ` +
			`the whole run took ${(r.seconds / 60).toFixed(1)} min${r.estimateS ? ` (estimated ${(r.estimateS / 60).toFixed(0)} min)` : ''}. ` +
			`Load average (1 min) at start ${r.loadavg.start[0].toFixed(2)}, at end ${r.loadavg.end[0]?.toFixed(2) ?? '—'}, per cell in the latency table; ` +
			`${r.retries ?? 0} cell runs disturbed by other processes (> 0.3 core) were repeated once and the less disturbed run kept.`
	);
	L.push('');
	if (r.kringMissing) {
		L.push('**Kring is not in this run**: `server/collab/index.ts` did not exist yet. Its adapter (bench/collab/servers/kring.ts) is ready; rerun `npm run bench:collab`.');
		L.push('');
	}
	L.push(
		'Servers: **Kring** (server/collab: commits every update to SQLite before broadcasting it); **Hocuspocus** 4.7 with extension-sqlite on a file (broadcasts first, stores the whole document 2 s after the last change, at most every 10 s); the reference **y-websocket** server (`@y/websocket-server` 0.1.1) without a store and with a one-row-per-update store written for this benchmark (one SQLite row and one commit per update, after the broadcast). Neither peer persists before broadcasting. ' +
			'Every connection signs in as one of 500 distinct users with a session of its own (client i as user i mod 500), and every server checks it before syncing: Kring its own session and rights check, the peers an equivalent hook (SHA-256 of the token, session + user, document, membership: three prepared SQLite statements; Hocuspocus in `onAuthenticate`, the reference server on the upgrade). ' +
			'The **bare relay** (two-client cell only) is a `ws` server that forwards each frame to the other client, no Yjs: the floor of the machine.'
	);
	L.push('');
	L.push(
		`Cells: clients × documents (a client has ⌈2·documents/clients⌉ documents open when there are fewer than two clients per document). ` +
			`**Paced**: every client makes 2 edits/s (one Y.Text insert of 24 characters each) plus one cursor awareness update per edit; ` +
			`${t.pacedWindowMs / 1000} s measured after ${t.pacedWarmMs / 1000} s warm-up, ${paced} runs. ` +
			`**Burst**: every connection sends its share of edits at once (≈ ${fmtRate(t.burstTargetDeliveries)} deliveries per cell, at most ${t.burstMaxPerConn} edits per connection and ${fmtRate(t.burstMaxEdits)} edits in all), timed until the last one is delivered (cap ${t.burstCapMs / 1000} s), ${r.reps} runs. ` +
			`A delivery is one edit of another client applied (probes, real Y.Docs) or decoded (raw clients) by one connection; an update carrying n edits counts n.`
	);
	L.push('');

	// latency
	L.push('### Edit → remote apply, paced, ms');
	L.push('');
	L.push(
		'Each entry: median over the runs of the run\'s p50 / median of the run\'s p99, and in brackets the 95 % confidence interval of the mean per-run p99 (Student\'s t over the runs; none when a run saturated or only one run counts).'
	);
	L.push('');
	L.push(`| clients × docs | ${latCols.map((c) => SHORT[c]).join(' | ')} | Kring p99 ÷ best peer p99 | load avg (1 min) |`);
	L.push(`|---|${latCols.map(() => '---:').join('|')}|---:|---:|`);
	for (const cfg of cfgs) {
		const row = latCols.map((c) => {
			const a = get(c, cfg, 'paced');
			if (!a) return '—';
			const ci = a.p99ci ? ` [${fmtMs(Math.max(0, a.p99ci.lo))}–${fmtMs(a.p99ci.hi)}]` : '';
			return `${fmtMs(a.p50)} / ${fmtMs(a.p99)}${ci}${marks(a)}`;
		});
		const k = get('kring', cfg, 'paced');
		const peers = PEERS.map((c) => get(c, cfg, 'paced')?.p99 ?? NaN).filter((x) => !Number.isNaN(x));
		const best = peers.length ? Math.min(...peers) : NaN;
		row.push(k && Number.isFinite(best) && Number.isFinite(k.p99) ? fmtRatio(k.p99 / best) : '—');
		row.push(loadOf(cfg));
		L.push(`| ${cellName(cfg)} | ${row.join(' | ')} |`);
	}
	const two = cfgs.find((c) => c.latencyOnly);
	const relay = two ? get('relay', two, 'paced') : null;
	const k2 = two ? get('kring', two, 'paced') : null;
	if (two && relay && k2) {
		L.push('');
		L.push(`Two clients on one document (${cellName(two)}): Kring's p50 is ${fmtRatio(k2.p50 / relay.p50)} and its p99 ${fmtRatio(k2.p99 / relay.p99)} the bare relay's.`);
	}
	L.push('');

	// throughput
	L.push('### Delivered edits per second (deliveries to all receiving connections)');
	L.push('');
	L.push(`| clients × docs | mode | offered | ${cols.map((c) => SHORT[c]).join(' | ')} | Kring ÷ Hocuspocus | Kring ÷ ref. + rows | Kring ÷ ref. |`);
	L.push(`|---|---|---:|${cols.map(() => '---:').join('|')}|---:|---:|---:|`);
	for (const cfg of cfgs.filter((c) => !c.latencyOnly)) {
		for (const mode of ['paced', 'burst'] as const) {
			const aggs = Object.fromEntries(cols.map((c) => [c, get(c, cfg, mode)]));
			const offeredSrc = Object.values(aggs).find((a) => a);
			const offered = offeredSrc ? (mode === 'paced' ? fmtRate(offeredSrc.offered) + '/s' : fmtRate(offeredSrc.offered) + ' total') : '—';
			const row = cols.map((c) => (aggs[c] ? fmtRate(aggs[c]!.perSec) + marks(aggs[c]) : '—'));
			const k = aggs.kring?.perSec;
			for (const peer of PEERS) {
				const p = aggs[peer]?.perSec;
				row.push(k !== undefined && p !== undefined ? fmtRatio(k / p) : '—');
			}
			L.push(`| ${cellName(cfg)} | ${mode} | ${offered} | ${row.join(' | ')} |`);
		}
	}
	L.push('');
	L.push('† load generator ≥ 90 % of its core: the figure may be capped by the client side (a lower bound for that server) · ‡ not all delivered within the cap: rate over the cap · § server still busy after the phase, restarted · ‖ the server closed connections during the phase · ¶ every run of the cell was disturbed by other processes on the machine (> 0.3 core during the phase): median of all runs; otherwise medians are over the undisturbed runs only · ° only one undisturbed run');
	L.push('');

	// figures
	const f = r.figures;
	const fig = (id: string) => f[id] ?? {};
	const kib = (b?: number) => (b === undefined ? '—' : (b / 1024).toFixed(1));
	const ratio = (a?: number | null, b?: number | null) => (a === undefined || b === undefined || a === null || b === null ? '—' : fmtRatio(a / b));
	const row = (label: string, cell: (c: string) => string, ratioText = '') => L.push(`| ${label} | ${cols.map(cell).join(' | ')} | ${ratioText} |`);
	L.push('### Memory, load, storage, crash');
	L.push('');
	L.push(`| figure | ${cols.map((c) => SHORT[c]).join(' | ')} | ratio |`);
	L.push(`|---|${cols.map(() => '---:').join('|')}|---:|`);
	row('RSS per loaded document, KiB (slope over 4 × 250 docs, each with 20 edits + 1 connection)', (c) => kib(fig(c).rss?.perDocBytes), `Kring ÷ ref. ${ratio(fig('kring').rss?.perDocBytes, fig('reference').rss?.perDocBytes)}`);
	row('… V8 heap + external per loaded document, KiB', (c) => kib(fig(c).rss?.perDocHeapBytes), `Kring ÷ ref. ${ratio(fig('kring').rss?.perDocHeapBytes, fig('reference').rss?.perDocHeapBytes)}`);
	row('V8 heap + external per extra connection to a loaded document, KiB', (c) => kib(fig(c).rss?.perExtraConnHeapBytes), `Kring ÷ ref. ${ratio(fig('kring').rss?.perExtraConnHeapBytes, fig('reference').rss?.perExtraConnHeapBytes)}`);
	for (const [key, size] of [['cold', '10 000'], ['cold100k', '100 000']] as const) {
		row(
			`Cold load of a document built from ${size} updates, connect → synced, with the auth check, ms (median of 4: 2 documents × 2 fresh starts)`,
			(c) => fmtMs(fig(c)[key]?.medianMs),
			`Kring ÷ Hocuspocus ${ratio(fig('kring')[key]?.medianMs, fig('hocuspocus')[key]?.medianMs)}`
		);
		row('… of which the WebSocket upgrade (connect → open; Kring and the reference server check session and rights here, Hocuspocus after it), ms', (c) => fmtMs(fig(c)[key]?.medianUpgradeMs));
	}
	row('Bytes written to disk per edit (write()/pwrite() bytes minus socket bytes)', (c) => (fig(c).bytes ? fig(c).bytes!.perEdit.toFixed(0) : '—'), `Kring ÷ ref. + rows ${ratio(fig('kring').bytes?.perEdit, fig('reference-rows').bytes?.perEdit)}`);
	row('Commits per edit (SQLite commits of the server\'s store over the same span, counted on its connection)', (c) => (typeof fig(c).bytes?.commitsPerEdit === 'number' ? fig(c).bytes!.commitsPerEdit!.toFixed(3) : '—'), `Kring ÷ ref. + rows ${ratio(fig('kring').bytes?.commitsPerEdit, fig('reference-rows').bytes?.commitsPerEdit)}`);
	row('Page cache dirtied per edit (kernel write_bytes), bytes', (c) => (fig(c).bytes ? fig(c).bytes!.dirtiedPerEdit.toFixed(0) : '—'));
	row('Edits lost after SIGKILL (lost / seen by the other client)', (c) => (fig(c).kill ? `${fig(c).kill!.lost} / ${fig(c).kill!.seen}` : '—'));
	row('Load average (1 min) at the start → end of these figures', (c) => (fig(c).load ? `${fig(c).load!.start.toFixed(1)} → ${fig(c).load!.end.toFixed(1)}` : '—'));
	L.push('');
	const errors = Object.entries(f).filter(([, v]) => v.error);
	for (const [id, v] of errors) L.push(`- ${SHORT[id] ?? id}: figures failed: \`${v.error!.split('\n')[0]}\``);
	const failedCells = r.cells.filter((c) => c.failed);
	for (const c of failedCells) L.push(`- ${SHORT[c.server] ?? c.server} ${cellName(c.cfg)} run ${c.rep + 1} failed: \`${c.failed}\``);
	if (errors.length || failedCells.length) L.push('');

	if (!r.kringMissing && r.servers.some((s) => s.id === 'kring')) {
		L.push('### Against the aims of issue 17 (ratios from this run)');
		L.push('');
		L.push(...aimLines(r, cfgs, get));
		L.push('');
	}

	L.push('Notes:');
	L.push('');
	L.push('- Latency: probes (the first 16 clients, real Y.Docs) write the send time into each edit and measure when they apply it; the load generator is one process, so sender and receiver share a clock. Edits a probe had not received 1 s after the window count as "> 1 s" (a saturated server). Cells with few edits (2 × 1, 10 × 50, 100 × 50) have few samples per run; p99 is then close to the maximum.');
	L.push('- Delivered edits/s in paced cells is bounded by what the workload offers ("offered"); a server that keeps up delivers about that. Burst shows the ceiling.');
	L.push('- Bytes and commits per edit: 20 clients × 20 edits/s for 2.5 s on one document (1 000 updates, nearly all in separate event-loop turns), then everyone leaves; counted until the server\'s writes settle, so debounced stores, unload and compaction are included. Commits are counted in each server process on its store\'s better-sqlite3 connection (bench/collab/servers/commits.ts: an outermost transaction, a COMMIT, or an autocommit statement that changed rows); Hocuspocus\'s are its extension\'s stores. Kring\'s database uses WAL with synchronous=NORMAL, the one-row store the same; Hocuspocus\'s extension opens SQLite with its defaults (rollback journal).');
	L.push('- SIGKILL: two probe clients each edit every 5 ms for 0.8 s, then `kill -9`, restart, a fresh client loads the document. Two rounds per server, summed.');
	L.push('- All on one shared 2-core VM: absolute numbers move between runs by tens of percent; ratios from the same run are the figure to read.');
	L.push('');
	return L.join('\n');
}

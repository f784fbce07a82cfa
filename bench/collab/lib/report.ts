/**
 * Turns one run's results into the `## Collaboration server` section of
 * docs/benchmarks.md: medians over the repetitions, Kring/peer ratios, and the
 * aims of issue 3 checked against them.
 */
import type { CellCfg, CellResult, PhaseResult, Timing } from './cells.ts';
import type { BytesResult, ColdResult, KillResult, RssResult } from './figures.ts';
import { median } from './stats.ts';

export interface Results {
	date: string;
	node: string;
	cpu: string;
	reps: number;
	timing: Timing;
	servers: { id: string; label: string; persistent: boolean }[];
	kringMissing: boolean;
	figures: Record<string, { rss?: RssResult; bytes?: BytesResult; cold?: ColdResult; kill?: KillResult; error?: string }>;
	cells: ({ server: string; rep: number; cfg: CellCfg } & CellResult)[];
	seconds: number;
	retries?: number;
	repsDone?: number;
	loadavg: { start: number[]; end: number[] };
}

const COLS = ['kring', 'hocuspocus', 'reference-rows', 'reference'];
const SHORT: Record<string, string> = {
	kring: 'Kring',
	hocuspocus: 'Hocuspocus',
	'reference-rows': 'ref. + rows',
	reference: 'ref.'
};

interface Agg {
	perSec: number;
	offered: number;
	p50: number;
	p99: number;
	samples: number;
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
		lgBusy: median(ok.map((r) => r.lgCpu)) >= 0.9,
		foreign: clean.length > 0 ? 0 : median(all.map((r) => r.foreignCpu ?? 0)),
		runs: ok.length,
		incomplete: ok.some((r) => r.complete === false),
		restarts,
		closes: ok.reduce((a, r) => a + r.unexpectedCloses, 0),
		failed
	};
}

function fmtMs(x: number | undefined): string {
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

function fmtRatio(x: number | undefined): string {
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

export function writeReport(r: Results): string {
	const cols = COLS.filter((c) => r.servers.some((s) => s.id === c) || c === 'kring');
	const cfgs: CellCfg[] = [];
	for (const c of r.cells) if (!cfgs.some((x) => x.clients === c.cfg.clients && x.docs === c.cfg.docs)) cfgs.push(c.cfg);
	const get = (server: string, cfg: CellCfg, mode: 'paced' | 'burst'): Agg | null => {
		const runs = r.cells.filter((c) => c.server === server && c.cfg.clients === cfg.clients && c.cfg.docs === cfg.docs);
		if (runs.length === 0) return null;
		return agg(
			runs.map((c) => c[mode]),
			runs.reduce((a, c) => a + (c[mode]?.restarted ? 1 : 0), 0),
			runs.some((c) => c.failed)
		);
	};
	const cellName = (c: CellCfg) => `${c.clients} × ${c.docs}`;
	const L: string[] = [];
	const t = r.timing;
	L.push('## Collaboration server');
	L.push('');
	L.push(
		`\`npm run bench:collab\` (bench/collab/, method in bench/collab/README.md), run ${r.date.slice(0, 16).replace('T', ' ')} UTC ` +
			`on ${r.cpu}, Node ${r.node}; every server in its own process on core 0, the load generator on core 1. ` +
			`Each cell ran ${r.repsDone ?? r.reps}× (median of the runs not disturbed by other processes shown${(r.repsDone ?? r.reps) < r.reps ? `; ${r.reps} were planned, the rest did not fit in 10 minutes` : ''}); the whole run took ${(r.seconds / 60).toFixed(1)} min. ` +
			`Load average (1 min) at start ${r.loadavg.start[0].toFixed(2)}, at end ${r.loadavg.end[0].toFixed(2)}; ` +
			`${r.retries ?? 0} cell runs disturbed by other processes (> 0.3 core) were repeated once and the less disturbed run kept.`
	);
	L.push('');
	if (r.kringMissing) {
		L.push('**Kring is not in this run**: `server/collab/index.ts` did not exist yet. Its adapter (bench/collab/servers/kring.ts) is ready; rerun `npm run bench:collab`.');
		L.push('');
	}
	L.push('Servers: **Kring** (server/collab: commits every update to SQLite before broadcasting it); **Hocuspocus** 4.7 with extension-sqlite on a file (broadcasts first, stores the whole document 2 s after the last change, at most every 10 s); the reference **y-websocket** server (`@y/websocket-server` 0.1.1) without a store and with a one-row-per-update store written for this benchmark (one SQLite row and one commit per update, after the broadcast). Neither peer persists before broadcasting.');
	L.push('');
	L.push(
		`Cells: clients × documents (a client has ⌈2·documents/clients⌉ documents open when there are fewer than two clients per document). ` +
			`**Paced**: every client makes 2 edits/s (one Y.Text insert of 24 characters each) plus one cursor awareness update per edit; ` +
			`${t.pacedWindowMs / 1000} s measured after ${t.pacedWarmMs / 1000} s warm-up. ` +
			`**Burst**: every connection sends its share of edits at once (≈ ${fmtRate(t.burstTargetDeliveries)} deliveries per cell, at most ${t.burstMaxPerConn} edits per connection and ${fmtRate(t.burstMaxEdits)} edits in all), timed until the last one is delivered (cap ${t.burstCapMs / 1000} s). ` +
			`A delivery is one edit of another client applied (probes, real Y.Docs) or decoded (raw clients) by one connection; an update carrying n edits counts n.`
	);
	L.push('');

	// latency
	L.push('### Edit → remote apply, paced, ms (p50 / p99)');
	L.push('');
	L.push(`| clients × docs | ${cols.map((c) => SHORT[c]).join(' | ')} | Kring p99 ÷ best peer p99 |`);
	L.push(`|---|${cols.map(() => '---:').join('|')}|---:|`);
	for (const cfg of cfgs) {
		const row = cols.map((c) => {
			const a = get(c, cfg, 'paced');
			return a ? `${fmtMs(a.p50)} / ${fmtMs(a.p99)}${marks(a)}` : '—';
		});
		const k = get('kring', cfg, 'paced');
		const peers = cols.filter((c) => c !== 'kring').map((c) => get(c, cfg, 'paced')?.p99 ?? NaN).filter((x) => !Number.isNaN(x));
		const best = peers.length ? Math.min(...peers) : NaN;
		row.push(k && Number.isFinite(best) && Number.isFinite(k.p99) ? fmtRatio(k.p99 / best) : '—');
		L.push(`| ${cellName(cfg)} | ${row.join(' | ')} |`);
	}
	L.push('');

	// throughput
	L.push('### Delivered edits per second (deliveries to all receiving connections)');
	L.push('');
	L.push(`| clients × docs | mode | offered | ${cols.map((c) => SHORT[c]).join(' | ')} | Kring ÷ Hocuspocus | Kring ÷ ref. + rows | Kring ÷ ref. |`);
	L.push(`|---|---|---:|${cols.map(() => '---:').join('|')}|---:|---:|---:|`);
	for (const cfg of cfgs) {
		for (const mode of ['paced', 'burst'] as const) {
			const aggs = Object.fromEntries(cols.map((c) => [c, get(c, cfg, mode)]));
			const offeredSrc = Object.values(aggs).find((a) => a);
			const offered = offeredSrc ? (mode === 'paced' ? fmtRate(offeredSrc.offered) + '/s' : fmtRate(offeredSrc.offered) + ' total') : '—';
			const row = cols.map((c) => (aggs[c] ? fmtRate(aggs[c]!.perSec) + marks(aggs[c]) : '—'));
			const k = aggs.kring?.perSec;
			for (const peer of ['hocuspocus', 'reference-rows', 'reference']) {
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
	L.push('### Memory, load, storage, crash');
	L.push('');
	L.push(`| figure | ${cols.map((c) => SHORT[c]).join(' | ')} | ratio |`);
	L.push(`|---|${cols.map(() => '---:').join('|')}|---:|`);
	const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '—' : fmtRatio(a / b));
	L.push(
		`| RSS per loaded document, KiB (slope over 4 × 250 docs, each with 20 edits + 1 connection) | ${cols.map((c) => kib(fig(c).rss?.perDocBytes)).join(' | ')} | Kring ÷ ref. ${ratio(fig('kring').rss?.perDocBytes, fig('reference').rss?.perDocBytes)} |`
	);
	L.push(
		`| … V8 heap + external per loaded document, KiB | ${cols.map((c) => kib(fig(c).rss?.perDocHeapBytes)).join(' | ')} | Kring ÷ ref. ${ratio(fig('kring').rss?.perDocHeapBytes, fig('reference').rss?.perDocHeapBytes)} |`
	);
	L.push(
		`| V8 heap + external per extra connection to a loaded document, KiB | ${cols.map((c) => kib(fig(c).rss?.perExtraConnHeapBytes)).join(' | ')} | Kring ÷ ref. ${ratio(fig('kring').rss?.perExtraConnHeapBytes, fig('reference').rss?.perExtraConnHeapBytes)} |`
	);
	L.push(
		`| Cold load of a document built from 10 000 updates, connect → synced, ms (median of 4: 2 documents × 2 fresh starts) | ${cols.map((c) => fmtMs(fig(c).cold?.medianMs)).join(' | ')} | Kring ÷ Hocuspocus ${ratio(fig('kring').cold?.medianMs, fig('hocuspocus').cold?.medianMs)} |`
	);
	L.push(
		`| … of which the WebSocket upgrade (connect → open; Kring checks session and rights here), ms | ${cols.map((c) => fmtMs(fig(c).cold?.medianUpgradeMs)).join(' | ')} | |`
	);
	L.push(
		`| Bytes written to disk per edit (write()/pwrite() bytes minus socket bytes) | ${cols.map((c) => (fig(c).bytes ? fig(c).bytes!.perEdit.toFixed(0) : '—')).join(' | ')} | Kring ÷ ref. + rows ${ratio(fig('kring').bytes?.perEdit, fig('reference-rows').bytes?.perEdit)} |`
	);
	L.push(
		`| Page cache dirtied per edit (kernel write_bytes), bytes | ${cols.map((c) => (fig(c).bytes ? fig(c).bytes!.dirtiedPerEdit.toFixed(0) : '—')).join(' | ')} | |`
	);
	L.push(
		`| Edits lost after SIGKILL (lost / seen by the other client) | ${cols.map((c) => (fig(c).kill ? `${fig(c).kill!.lost} / ${fig(c).kill!.seen}` : '—')).join(' | ')} | |`
	);
	L.push('');
	const errors = Object.entries(f).filter(([, v]) => v.error);
	for (const [id, v] of errors) L.push(`- ${SHORT[id] ?? id}: figures failed: \`${v.error!.split('\n')[0]}\``);
	const failedCells = r.cells.filter((c) => c.failed);
	for (const c of failedCells) L.push(`- ${SHORT[c.server] ?? c.server} ${cellName(c.cfg)} run ${c.rep + 1} failed: \`${c.failed}\``);
	if (errors.length || failedCells.length) L.push('');

	// aims
	if (!r.kringMissing && r.servers.some((s) => s.id === 'kring')) {
		L.push('### Against the aims of issue 3 (ratios from this run)');
		L.push('');
		const lines: string[] = [];
		const check = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'met' : '**not met**');
		const tputCells = cfgs.filter((c) => c.clients >= 100);
		for (const peer of [
			['hocuspocus', 1.2],
			['reference', 5]
		] as const) {
			const rs = tputCells.map((cfg) => {
				const k = get('kring', cfg, 'burst')?.perSec;
				const p = get(peer[0], cfg, 'burst')?.perSec;
				return { cfg, x: k !== undefined && p !== undefined ? k / p : NaN };
			});
			const valid = rs.filter((v) => !Number.isNaN(v.x));
			const min = valid.length ? Math.min(...valid.map((v) => v.x)) : NaN;
			lines.push(
				`- Delivered edits/s (burst, 100 and 500 clients) ≥ ${peer[1]}× ${SHORT[peer[0]]}: ${valid.map((v) => `${cellName(v.cfg)} ${fmtRatio(v.x)}`).join(', ') || '—'} → ${check(valid.length ? min >= peer[1] : null)}`
			);
		}
		const p99s = cfgs
			.map((cfg) => {
				const k = get('kring', cfg, 'paced')?.p99 ?? NaN;
				const peers = cols
					.filter((c) => c !== 'kring')
					.map((c) => get(c, cfg, 'paced')?.p99 ?? NaN)
					.filter((x) => !Number.isNaN(x));
				const best = peers.length ? Math.min(...peers) : NaN;
				// Kring saturated: fails; every peer saturated and Kring not: passes
				const x = Number.isNaN(k) || Number.isNaN(best) ? NaN : k === Infinity ? Infinity : best === Infinity ? 0 : k / best;
				return { cfg, x };
			})
			.filter((v) => !Number.isNaN(v.x));
		const showRatio = (x: number) => (x === Infinity ? 'Kring saturated' : x === 0 ? 'all peers saturated' : fmtRatio(x));
		lines.push(
			`- p99 latency ≤ 0.8× the best peer's (paced): ${p99s.map((v) => `${cellName(v.cfg)} ${showRatio(v.x)}`).join(', ') || '—'} → ${check(p99s.length ? p99s.every((v) => v.x <= 0.8) : null)}`
		);
		const rssK = fig('kring').rss?.perDocBytes;
		const rssR = fig('reference').rss?.perDocBytes;
		lines.push(`- RSS per loaded document ≤ 1.1× the reference's: ${ratio(rssK, rssR)} → ${check(rssK !== undefined && rssR !== undefined ? rssK / rssR <= 1.1 : null)}`);
		const cK = fig('kring').cold?.medianMs;
		const cH = fig('hocuspocus').cold?.medianMs;
		lines.push(
			`- Cold load ≤ 0.8× Hocuspocus's and < 10 ms: ${fmtMs(cK)} ms, ${ratio(cK, cH)} → ${check(cK !== undefined && cH !== undefined ? cK / cH <= 0.8 && cK < 10 : null)}`
		);
		const bK = fig('kring').bytes?.perEdit;
		const bR = fig('reference-rows').bytes?.perEdit;
		lines.push(`- Bytes per edit ≤ 0.5× one-row-per-update: ${ratio(bK, bR)} → ${check(bK !== undefined && bR !== undefined ? bK / bR <= 0.5 : null)}`);
		const kK = fig('kring').kill;
		lines.push(`- Zero edits lost after SIGKILL: ${kK ? `${kK.lost} of ${kK.seen}` : '—'} → ${check(kK ? kK.lost === 0 : null)}`);
		L.push(...lines);
		L.push('');
	}

	L.push('Notes:');
	L.push('');
	L.push('- Latency: probes (the first 16 clients, real Y.Docs) write the send time into each edit and measure when they apply it; the load generator is one process, so sender and receiver share a clock. Edits a probe had not received 1 s after the window count as "> 1 s" (a saturated server). Cells with few edits (10 × 50, 100 × 50) have few samples; p99 is then close to the maximum.');
	L.push('- Delivered edits/s in paced cells is bounded by what the workload offers ("offered"); a server that keeps up delivers about that. Burst shows the ceiling.');
	L.push('- Bytes per edit: 20 clients × 20 edits/s for 2.5 s on one document (1 000 updates, nearly all in separate event-loop turns), then everyone leaves; counted until the server\'s writes settle, so debounced stores, unload and compaction are included. Kring\'s database uses WAL with synchronous=NORMAL, the one-row store the same; Hocuspocus\'s extension opens SQLite with its defaults (rollback journal).');
	L.push('- SIGKILL: two probe clients each edit every 5 ms for 0.8 s, then `kill -9`, restart, a fresh client loads the document. Two rounds per server, summed.');
	L.push('- All on one shared 2-core VM: absolute numbers move between runs by tens of percent; ratios from the same run are the figure to read.');
	L.push('');
	return L.join('\n');
}

/**
 * The aims of issue 17 that bench:collab measures, checked against one run's
 * figures (ratios from the same run). The capacity cell and the evaluation
 * vote have benchmarks of their own (bench:capacity, bench:session).
 */
import type { CellCfg } from './cells.ts';
import { PEERS, SHORT, fmtMs, fmtRatio, type Getter, type Results } from './report.ts';

const check = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'met' : '**not met**');
const cellName = (c: CellCfg) => `${c.clients} × ${c.docs}`;

export function aimLines(r: Results, cfgs: CellCfg[], get: Getter): string[] {
	const lines: string[] = [];
	const fig = (id: string) => r.figures[id] ?? {};

	const p99s = cfgs
		.map((cfg) => {
			const k = get('kring', cfg, 'paced')?.p99 ?? NaN;
			const peers = PEERS.map((c) => get(c, cfg, 'paced')?.p99 ?? NaN).filter((x) => !Number.isNaN(x));
			const best = peers.length ? Math.min(...peers) : NaN;
			// Kring saturated: fails; every peer saturated and Kring not: passes
			const x = Number.isNaN(k) || Number.isNaN(best) ? NaN : k === Infinity ? Infinity : best === Infinity ? 0 : k / best;
			return { cfg, x };
		})
		.filter((v) => !Number.isNaN(v.x));
	const showRatio = (x: number) => (x === Infinity ? 'Kring saturated' : x === 0 ? 'all peers saturated' : fmtRatio(x));
	lines.push(
		`- p99 edit → remote apply ≤ 0.8× the best peer's in every paced cell: ${p99s.map((v) => `${cellName(v.cfg)} ${showRatio(v.x)}`).join(', ') || '—'} → ${check(p99s.length ? p99s.every((v) => v.x <= 0.8) : null)}`
	);

	for (const [key, size] of [['cold', '10k'], ['cold100k', '100k']] as const) {
		const k = fig('kring')[key]?.medianMs;
		const h = fig('hocuspocus')[key]?.medianMs;
		const ok = k !== undefined && h !== undefined ? k / h <= 0.8 : null;
		lines.push(`- Cold load of a ${size}-update document ≤ 0.8× Hocuspocus's (both with the auth check): ${fmtMs(k)} vs ${fmtMs(h)} ms, ${k !== undefined && h !== undefined ? fmtRatio(k / h) : '—'} → ${check(ok)}`);
	}

	const bK = fig('kring').bytes?.perEdit;
	const bR = fig('reference-rows').bytes?.perEdit;
	const cK = fig('kring').bytes?.commitsPerEdit;
	lines.push(
		`- Bytes per edit ≤ 0.2× the one-row-per-update store: ${bK !== undefined && bR !== undefined ? fmtRatio(bK / bR) : '—'}` +
			`${typeof cK === 'number' ? ` (Kring ${cK.toFixed(3)} commits per edit)` : ''} → ${check(bK !== undefined && bR !== undefined ? bK / bR <= 0.2 : null)}`
	);

	const tput = cfgs
		.filter((c) => c.clients >= 100 && !c.latencyOnly)
		.map((cfg) => {
			const k = get('kring', cfg, 'burst')?.perSec;
			const p = get('hocuspocus', cfg, 'burst')?.perSec;
			return { cfg, x: k !== undefined && p !== undefined ? k / p : NaN };
		})
		.filter((v) => !Number.isNaN(v.x));
	lines.push(
		`- Delivered edits/s (burst) ≥ 1.5× ${SHORT.hocuspocus} at 100 and 500 clients: ${tput.map((v) => `${cellName(v.cfg)} ${fmtRatio(v.x)}`).join(', ') || '—'} → ${check(tput.length ? Math.min(...tput.map((v) => v.x)) >= 1.5 : null)}`
	);

	const kK = fig('kring').kill;
	lines.push(`- Zero acknowledged edits lost after SIGKILL: ${kK ? `${kK.lost} of ${kK.seen}` : '—'} → ${check(kK ? kK.lost === 0 : null)}`);
	lines.push('- The capacity cell (1 000 sockets, 300 documents, 300 users) and the evaluation vote → 40 screens: not in this benchmark (`npm run bench:capacity`, `npm run bench:session`).');
	return lines;
}

/**
 * Loaded into a benchmarked server process with `--import` (no change to the
 * server itself): watches the event loop and answers over IPC:
 *   { cmd: 'eld-reset' } → starts a new window, replies { type: 'eld-reset' }
 *   { cmd: 'eld' }       → replies { type: 'eld', p50, p99, max, stalls, spacing } for the window
 * p50 / p99 / max: perf_hooks' monitorEventLoopDelay (1 ms resolution), in
 * ms; the max is the longest stall of the loop. stalls: how many times a 5 ms
 * timer came STALL_MS or more late, and spacing the median time between
 * those (s) — a periodic job shows as a steady spacing (e.g. 3.0 s).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const TICK_MS = 5;
const STALL_MS = 10;

if (process.send) {
	const eld = monitorEventLoopDelay({ resolution: 1 });
	eld.enable();
	let stallsAt: number[] = [];
	let last = performance.now();
	setInterval(() => {
		const now = performance.now();
		if (now - last - TICK_MS >= STALL_MS) stallsAt.push(now);
		last = now;
	}, TICK_MS).unref();
	process.on('message', (m: { cmd?: string }) => {
		if (m?.cmd === 'eld-reset') {
			eld.reset();
			stallsAt = [];
			process.send?.({ type: 'eld-reset' });
		} else if (m?.cmd === 'eld') {
			const ms = (ns: number) => ns / 1e6;
			const gaps = stallsAt.slice(1).map((t, i) => (t - stallsAt[i]) / 1000).sort((a, b) => a - b);
			const spacing = gaps.length > 0 ? gaps[gaps.length >> 1] : null;
			process.send?.({ type: 'eld', p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), stalls: stallsAt.length, spacing });
		}
	});
	// the IPC channel must not keep a server alive that is shutting down
	process.channel?.unref();
}

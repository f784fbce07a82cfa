/**
 * Loaded into a benchmarked server process with `--import` (no change to the
 * server itself): watches the event loop with perf_hooks'
 * monitorEventLoopDelay (1 ms resolution) and answers over IPC:
 *   { cmd: 'eld-reset' } → starts a new window, replies { type: 'eld-reset' }
 *   { cmd: 'eld' }       → replies { type: 'eld', p50, p99, max } in ms since the last reset
 * The max is the longest stall of the loop in that window (minus the 1 ms tick).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (process.send) {
	const eld = monitorEventLoopDelay({ resolution: 1 });
	eld.enable();
	process.on('message', (m: { cmd?: string }) => {
		if (m?.cmd === 'eld-reset') {
			eld.reset();
			process.send?.({ type: 'eld-reset' });
		} else if (m?.cmd === 'eld') {
			const ms = (ns: number) => ns / 1e6;
			process.send?.({ type: 'eld', p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) });
		}
	});
	// the IPC channel must not keep a server alive that is shutting down
	process.channel?.unref();
}

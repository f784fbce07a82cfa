/**
 * What every benchmarked server process shares: it is started by run.ts as
 * `taskset -c 0 node --expose-gc --import tsx servers/<name>.ts <dataDir>`,
 * reports `{ type: 'ready', port, ... }` over IPC, answers `{ cmd: 'gc' }`
 * (two full collections, then its RSS), stops on SIGTERM, and exits when the
 * runner goes away, so no server outlives a benchmark run.
 */
export interface ReadyInfo {
	port: number;
	/** URL path before the document name: '/collab/' (Kring), '/' (reference), '' = one path for all (Hocuspocus) */
	pathPrefix: string;
	framing: 'y' | 'hp';
	headers?: Record<string, string>;
	/** files of the server's store, for size checks */
	storeFiles?: string[];
	/** Kring only: how many `action:benchNNNNN` documents exist in its database */
	docCount?: number;
}

export function dataDir(): string {
	const dir = process.argv[2];
	if (!dir) throw new Error('usage: <server>.ts <dataDir>');
	return dir;
}

export function serve(info: ReadyInfo, stop: () => Promise<void> | void): void {
	process.on('message', (m: { cmd?: string }) => {
		if (m?.cmd === 'gc') {
			const gc = (globalThis as { gc?: () => void }).gc;
			gc?.();
			gc?.();
			const m = process.memoryUsage();
			process.send?.({ type: 'gc', rss: m.rss, heap: m.heapUsed + m.external });
		}
	});
	let stopping = false;
	const shutdown = async () => {
		if (stopping) return;
		stopping = true;
		const timer = setTimeout(() => process.exit(2), 8000);
		timer.unref();
		try {
			await stop();
		} finally {
			process.exit(0);
		}
	};
	process.on('SIGTERM', shutdown);
	process.on('SIGINT', shutdown);
	process.on('disconnect', () => process.exit(0));
	process.send?.({ type: 'ready', ...info });
}

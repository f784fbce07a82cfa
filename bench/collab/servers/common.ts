/**
 * What every benchmarked server process shares: it is started by run.ts as
 * `taskset -c 0 node --expose-gc --import tsx servers/<name>.ts <dataDir>`,
 * reports `{ type: 'ready', port, ... }` over IPC, answers `{ cmd: 'gc' }`
 * (two full collections, then its RSS) and `{ cmd: 'stats' }` (the commits
 * its store made so far, see commits.ts), stops on SIGTERM, and exits when the
 * runner goes away, so no server outlives a benchmark run.
 */

/** documents `action:bench00000` … that exist for every server (Kring refuses unknown names) */
export const DOC_COUNT = 4000;
export const docName = (i: number) => `action:bench${String(i).padStart(5, '0')}`;
/** distinct users, one session each; connection of client i signs in as user i mod USERS */
export const USERS = 500;
/** the app origin every server expects in the Origin header */
export const BENCH_ORIGIN = 'http://kring.bench';

export interface ReadyInfo {
	port: number;
	/** URL path before the document name: '/collab/' (Kring), '/' (reference), '' = one path for all (Hocuspocus) */
	pathPrefix: string;
	framing: 'y' | 'hp';
	headers?: Record<string, string>;
	/**
	 * session tokens of distinct users; client i uses tokens[i mod length]:
	 * as `Cookie: session=<token>` (y framing) or in the Auth message (Hocuspocus)
	 */
	tokens?: string[];
	/** the server checks the session and the right on the document before syncing */
	authenticates?: boolean;
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

export function serve(info: ReadyInfo, stop: () => Promise<void> | void, commits: () => number | null = () => null): void {
	process.on('message', (m: { cmd?: string }) => {
		if (m?.cmd === 'stats') process.send?.({ type: 'stats', commits: commits() });
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

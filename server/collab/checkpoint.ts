import type BetterSqlite3 from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/**
 * WAL checkpoints off the hot path. SQLite's automatic checkpoint runs inside
 * the commit that takes the WAL past 1000 pages — for the collaboration server
 * that is a flush, between COMMIT and the broadcast: copying up to 4 MB into
 * the database file and an fsync, while every socket waits. Here the server's
 * connection stops checkpointing (`wal_autocheckpoint = 0`) and a worker
 * thread with its own connection runs `PRAGMA wal_checkpoint(PASSIVE)` every
 * `intervalMs`: PASSIVE never waits for a lock nor blocks a writer, and the
 * next writer starts the WAL from the beginning once everything is copied.
 * Should the worker fail to start or die, automatic checkpoints come back.
 * Nothing for an in-memory database.
 *
 * Off unless asked for (`checkpointIntervalMs`): with it on, the SIGKILL test
 * (durability.test.ts) ran past its 20 s limit on the loaded 2-core machine,
 * with no update lost but the child servers slow to start; not understood yet.
 */

export interface CheckpointStats {
	/** checkpoints the worker ran with frames in the WAL */
	runs: number;
	/** frames in the WAL and frames copied, at the last of them */
	log: number;
	checkpointed: number;
}

export interface Checkpointer {
	stats(): CheckpointStats;
	stop(): Promise<void>;
}

const DEFAULT_AUTOCHECKPOINT = 1000;

export function startCheckpointer(
	sqlite: BetterSqlite3.Database,
	log: Logger,
	intervalMs = 500,
	observe?: (frames: number, copied: number) => void
): Checkpointer | null {
	if (sqlite.memory || sqlite.readonly) return null;
	if (String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null;
	const stats: CheckpointStats = { runs: 0, log: 0, checkpointed: 0 };
	let stopped = false;
	const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
		workerData: { path: sqlite.name, intervalMs },
		// plain JavaScript: without the parent's --import tsx it starts in milliseconds, not seconds
		execArgv: []
	});
	worker.unref();
	const restore = () => {
		try {
			if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
		} catch {
			// the handle is closing
		}
	};
	worker.on('message', (message: { ready?: boolean; error?: string; log?: number; checkpointed?: number }) => {
		if (message.ready) {
			if (!stopped) sqlite.pragma('wal_autocheckpoint = 0');
			return;
		}
		if (message.error) {
			log.warn({ err: message.error }, 'collab WAL checkpoint failed');
			return;
		}
		stats.runs++;
		stats.log = message.log ?? 0;
		stats.checkpointed = message.checkpointed ?? 0;
		observe?.(stats.log, stats.checkpointed);
	});
	worker.on('error', (err) => {
		log.error({ err: err.message }, 'collab WAL checkpointer stopped; SQLite checkpoints automatically again');
		restore();
	});
	const exited = new Promise<void>((resolve) =>
		worker.on('exit', () => {
			restore();
			resolve();
		})
	);
	return {
		stats: () => ({ ...stats }),
		async stop() {
			if (stopped) return exited;
			stopped = true;
			restore();
			worker.postMessage('stop');
			const timeout = setTimeout(() => void worker.terminate(), 1000);
			timeout.unref();
			await exited;
			clearTimeout(timeout);
		}
	};
}

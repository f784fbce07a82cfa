// A worker thread with its own SQLite connection that checkpoints the WAL,
// so the server's connection never does it inside a commit (see checkpoint.ts).
// Plain JavaScript: it runs without the TypeScript loader.
import Sqlite from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs } = workerData;
const db = new Sqlite(path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.postMessage({ ready: true });
const timer = setInterval(() => {
	try {
		const { busy, log, checkpointed } = checkpoint.get();
		if (log > 0) parentPort.postMessage({ busy, log, checkpointed });
	} catch (err) {
		parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
	}
}, intervalMs);
parentPort.on('message', (message) => {
	if (message !== 'stop') return;
	clearInterval(timer);
	db.close();
	process.exit(0);
});

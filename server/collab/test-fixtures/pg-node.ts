import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { openPostgres } from '../../../src/lib/server/db.ts';
import { joinCluster } from '../cluster.ts';
import { createCollabServer } from '../index.ts';
import { postgresRecheck } from '../recheck-pg.ts';

/**
 * One node of a cluster in its own process, for the two-node tests:
 * `node --import tsx server/collab/test-fixtures/pg-node.ts` with
 * DATABASE_URL (migrated) and NODE_ID set. Prints one JSON line `{"port":…}`
 * on stdout once it listens and has joined the cluster.
 */
const url = process.env.DATABASE_URL;
const nodeId = process.env.NODE_ID;
if (!url || !nodeId) throw new Error('DATABASE_URL and NODE_ID are required');
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const { db, pool } = openPostgres(url);
const http = createServer((_req, res) => {
	res.statusCode = 404;
	res.end();
});
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const port = (http.address() as AddressInfo).port;
const rights = postgresRecheck(pool, url, log);
await rights.ready;
const cluster = await joinCluster({ connectionString: url, pool, nodeId, nodeUrl: `http://127.0.0.1:${port}`, log });
const server = createCollabServer({
	db,
	postgres: pool,
	rights,
	cluster,
	logger: log,
	origin: null,
	sessionPolicy: { idleTimeoutMs: 3_600_000, absoluteTimeoutMs: 86_400_000 },
	sweepIntervalMs: Number(process.env.SWEEP_MS ?? 500),
	unloadDelayMs: 500
});
http.on('upgrade', (req, socket, head) => server.handleUpgrade(req, socket, head));
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => {
	void server
		.close()
		.then(() => cluster.close())
		.then(() => rights.close())
		.then(() => db.destroy())
		.then(() => process.exit(0));
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { openDatabase } from '../../../src/lib/server/db.ts';
import { createCollabServer } from '../index.ts';

/**
 * A collaboration server in its own process, for the kill -9 test:
 * `node --import tsx server/collab/test-fixtures/child-server.ts` with
 * DATABASE_PATH set to an already migrated database. Prints one JSON line
 * `{"port":…}` on stdout once it listens.
 */
const path = process.env.DATABASE_PATH;
if (!path) throw new Error('DATABASE_PATH is required');
const { db, sqlite } = openDatabase(path);
const server = createCollabServer({
	db,
	sqlite,
	logger: pino({ level: 'warn' }, pino.destination(2)),
	origin: null,
	sessionPolicy: { idleTimeoutMs: 3_600_000, absoluteTimeoutMs: 86_400_000 }
});
const http = createServer((_req, res) => {
	res.statusCode = 404;
	res.end();
});
http.on('upgrade', (req, socket, head) => server.handleUpgrade(req, socket, head));
http.listen(0, '127.0.0.1', () => {
	process.stdout.write(`${JSON.stringify({ port: (http.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => {
	void server.close().then(() => process.exit(0));
});

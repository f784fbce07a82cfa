/**
 * The reference y-websocket server (@y/websocket-server 0.1.1, the last one on
 * yjs 13), unmodified, behind a plain http + ws server.
 *
 *   reference.ts <dataDir>            — no persistence (its default without YPERSISTENCE)
 *   reference.ts <dataDir> rows       — with a one-row-per-update store: every
 *       update the document emits is appended as one SQLite row, one commit
 *       each (better-sqlite3, WAL, synchronous=NORMAL like Kring's database).
 *       Loading a document applies all its rows in one transaction.
 *
 * Both check the session cookie on the upgrade as Kring does (auth.ts:
 * SHA-256 of the token, session + user, document, membership, prepared
 * statements); a refused upgrade gets 401 and no socket.
 *
 * YPERSISTENCE must stay unset, or the module would open y-leveldb.
 */
import http from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { setupWSConnection, setPersistence, docs } from '@y/websocket-server/utils';
import { openAuthStore } from './auth.ts';
import { countCommits, type CommitCounter } from './commits.ts';
import { BENCH_ORIGIN, dataDir, serve } from './common.ts';

delete process.env.YPERSISTENCE;
const dir = dataDir();
const withRows = process.argv[3] === 'rows';
let db: Database.Database | null = null;
let counter: CommitCounter | null = null;
const auth = openAuthStore(dir);
const storeFiles: string[] = [];

if (withRows) {
	const file = join(dir, 'reference-rows.sqlite');
	storeFiles.push(file, file + '-wal');
	db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	counter = countCommits(db);
	db.exec(`CREATE TABLE IF NOT EXISTS updates (
		id INTEGER PRIMARY KEY,
		doc TEXT NOT NULL,
		data BLOB NOT NULL
	);
	CREATE INDEX IF NOT EXISTS updates_doc ON updates (doc, id);`);
	const insert = db.prepare('INSERT INTO updates (doc, data) VALUES (?, ?)');
	const select = db.prepare('SELECT data FROM updates WHERE doc = ? ORDER BY id');
	const LOAD = Symbol('load');
	setPersistence({
		provider: db,
		bindState: (name: string, ydoc: Y.Doc) => {
			const rows = select.all(name) as { data: Buffer }[];
			if (rows.length > 0) {
				Y.transact(ydoc, () => {
					for (const row of rows) Y.applyUpdate(ydoc, row.data, LOAD);
				}, LOAD);
			}
			ydoc.on('update', (update: Uint8Array, origin: unknown) => {
				if (origin !== LOAD) insert.run(name, update); // autocommit: one row, one commit
			});
		},
		writeState: async () => {}
	});
}

const server = http.createServer((_req, res) => {
	res.writeHead(404).end();
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (conn, req) => setupWSConnection(conn, req));
/** the session cookie's token, or null */
function sessionToken(cookie: string | undefined): string | null {
	for (const part of cookie?.split(';') ?? []) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === 'session') return part.slice(eq + 1).trim();
	}
	return null;
}
server.on('upgrade', (req, socket, head) => {
	let name: string;
	try {
		name = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]);
	} catch {
		name = '';
	}
	if (!auth.originOk(req.headers.origin) || !auth.check(sessionToken(req.headers.cookie), name)) {
		socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
		return;
	}
	wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(0, '127.0.0.1', () => {
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('no port');
	serve(
		{ port: address.port, pathPrefix: '/', framing: 'y', headers: { Origin: BENCH_ORIGIN }, tokens: auth.tokens, authenticates: true, storeFiles },
		async () => {
			for (const ws of wss.clients) ws.terminate();
			server.close();
			for (const doc of (docs as Map<string, Y.Doc>).values()) doc.destroy();
			db?.close();
			auth.db.close();
		},
		() => counter?.commits ?? null
	);
});

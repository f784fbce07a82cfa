/**
 * The reference y-websocket server of the capacity cell: @y/websocket-server
 * (0.1.1, the last one on yjs 13), unmodified, without a store, behind a
 * plain http + ws server on a free port. It checks nothing on the upgrade:
 * the cell measures edit → remote apply with every socket already open, so
 * the reference is the bare relay-and-merge cost Kring is held against.
 * Started by servers.ts; reports `{ type: 'ready', port }` over IPC, stops on
 * SIGTERM and when the runner goes away.
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import type * as Y from 'yjs';
import { docs, setupWSConnection } from '@y/websocket-server/utils';

delete process.env.YPERSISTENCE; // or the module would open y-leveldb

const server = http.createServer((_req, res) => {
	res.writeHead(404).end();
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (conn, req) => setupWSConnection(conn, req));
server.on('upgrade', (req, socket, head) => {
	wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});

function stop(): void {
	for (const ws of wss.clients) ws.terminate();
	server.close();
	for (const doc of (docs as Map<string, Y.Doc>).values()) doc.destroy();
	process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);

server.listen(0, '127.0.0.1', () => {
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('no port');
	process.send?.({ type: 'ready', port: address.port });
});

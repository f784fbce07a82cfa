/**
 * The physical floor of the two-client latency cell: a bare `ws` relay that
 * forwards every frame of a socket to the other sockets on the same path, as
 * it came — no Yjs, no store, no authentication. It answers a client's sync
 * step 1 with an empty step 2 itself (so the load generator's handshake
 * completes) and does not forward step 1/2; everything else (updates,
 * awareness) is relayed byte for byte. y-websocket framing, `/<name>`.
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { dataDir, serve } from './common.ts';

dataDir();
/** [messageSync, syncStep2, varUint8Array([0, 0]) = an empty update] */
const EMPTY_STEP2 = Buffer.from([0, 1, 2, 0, 0]);
const rooms = new Map<string, Set<WebSocket>>();
const server = http.createServer((_req, res) => {
	res.writeHead(404).end();
});
const wss = new WebSocketServer({ server });
wss.on('connection', (ws, req) => {
	const name = req.url ?? '/';
	let room = rooms.get(name);
	if (!room) rooms.set(name, (room = new Set()));
	room.add(ws);
	const members = room;
	ws.on('message', (data: Buffer, isBinary) => {
		// [0 = sync][0 = step 1 | 1 = step 2]: the handshake, answered here
		if (data[0] === 0 && data[1] === 0) {
			ws.send(EMPTY_STEP2);
			return;
		}
		if (data[0] === 0 && data[1] === 1) return;
		for (const other of members) if (other !== ws) other.send(data, { binary: isBinary });
	});
	ws.on('close', () => {
		members.delete(ws);
		if (members.size === 0) rooms.delete(name);
	});
});
server.listen(0, '127.0.0.1', () => {
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('no port');
	serve({ port: address.port, pathPrefix: '/', framing: 'y' }, async () => {
		for (const ws of wss.clients) ws.terminate();
		server.close();
	});
});

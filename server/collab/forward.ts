import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import { errorText } from './util.ts';

/**
 * A socket for a document another node owns (cluster.ts): this node opens the
 * same `/collab/<name>` on the owner, with the client's cookie, Origin and
 * Host, and relays frames both ways unchanged — the standard y-websocket
 * client never knows. The owner checks the session and rights itself, and
 * commits before it broadcasts or acknowledges, as for any socket. When the
 * owner goes away the client's socket closes (1012, "service restart") and
 * the client reconnects; the next node to get it becomes the owner.
 *
 * The header FORWARDED_BY marks a forwarded socket: the owner never forwards
 * it again (it answers 503 when it no longer owns the document).
 */

export const FORWARDED_BY = 'x-kring-forwarded-by';

/** a client that does not read what the owner sends is cut off past this */
const MAX_BUFFERED = 16 * 1024 * 1024;

export interface ForwardOptions {
	wss: WebSocketServer;
	/** the owner's base URL, http://host:port */
	ownerUrl: string;
	nodeId: string;
	log: Logger;
	/** refuses the client's upgrade with an HTTP status */
	refuse(socket: Duplex, status: number): void;
	/** the relay has ended (both sides closed) */
	onEnd?(): void;
	/** the relay is open */
	onOpen?(): void;
}

/** A close code a peer may send (1005, 1006 and 1015 are only ever reported, never sent). */
function sendable(code: number): number | undefined {
	return code === 1000 || (code >= 1001 && code <= 1014 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999) ? code : undefined;
}

export function forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, options: ForwardOptions): void {
	const { log } = options;
	const headers: Record<string, string> = { [FORWARDED_BY]: options.nodeId };
	if (req.headers.cookie) headers.cookie = req.headers.cookie;
	if (req.headers.origin) headers.origin = req.headers.origin;
	if (req.headers.host) headers.host = req.headers.host;
	const forwardedProto = req.headers['x-forwarded-proto'];
	if (typeof forwardedProto === 'string') headers['x-forwarded-proto'] = forwardedProto;
	const target = `${options.ownerUrl.replace(/^http/, 'ws').replace(/\/$/, '')}${req.url ?? '/'}`;
	const upstream = new WebSocket(target, { headers, perMessageDeflate: false, maxPayload: 0 });
	let client: WebSocket | null = null;
	let ended = false;
	const end = () => {
		if (ended) return;
		ended = true;
		options.onEnd?.();
	};

	upstream.on('unexpected-response', (_request, response) => {
		response.resume();
		upstream.terminate();
		options.refuse(socket, response.statusCode ?? 502);
		end();
	});
	upstream.on('error', (err) => {
		if (client) {
			client.close(1012, 'owner gone');
			return;
		}
		log.warn({ owner: options.ownerUrl, err: errorText(err) }, 'collab forward failed');
		if (!ended) options.refuse(socket, 503);
		end();
	});
	socket.once('close', () => {
		if (!client) upstream.terminate();
	});
	upstream.on('open', () => {
		if (socket.destroyed) {
			upstream.close(1001);
			end();
			return;
		}
		options.wss.handleUpgrade(req, socket, head, (ws) => {
			client = ws;
			options.onOpen?.();
			ws.on('message', (data: RawData, isBinary) => {
				if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
			});
			upstream.on('message', (data: RawData, isBinary) => {
				if (ws.readyState !== WebSocket.OPEN) return;
				if (ws.bufferedAmount > MAX_BUFFERED) {
					ws.close(1013, 'too slow');
					return;
				}
				ws.send(data, { binary: isBinary });
			});
			ws.on('close', (code, reason) => {
				if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.close(sendable(code) ?? 1000, reason);
				end();
			});
			ws.on('error', () => upstream.terminate());
			upstream.on('close', (code, reason) => {
				// the owner's own close (Forbidden, RightsChanged, GoingAway …) reaches the client as sent
				if (ws.readyState === WebSocket.OPEN) ws.close(sendable(code) ?? 1012, sendable(code) ? reason : 'owner gone');
				end();
			});
		});
	});
}

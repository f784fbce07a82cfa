import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { sessionIdFromToken } from '../../src/lib/server/session.ts';
import type { LoadedDoc } from './document.ts';
import type { CollabSettings } from './settings.ts';

/**
 * One accepted socket on one document: who it is (the session's identity,
 * never what the client claims), whether it may write, and its per-socket
 * bookkeeping (saved counter, awareness ids it owns, rate-limit bucket).
 */

export interface Identity {
	id: string;
	name: string;
	color: string;
}

export interface Conn {
	ws: WebSocket;
	/** the upgraded TCP socket under `ws`, corked while a flush writes to it */
	socket: Duplex;
	doc: LoadedDoc;
	identity: Identity;
	token: string;
	/** the session's row id (a hash of the token), computed once for the re-check */
	sessionId: string;
	/** when the re-check must look at this socket's session even if nothing changed (expiry, keeping it alive); 0: at the next one */
	checkAt: number;
	write: boolean;
	wantsSaved: boolean;
	/** update-bearing messages received and accepted for storage; echoed in "saved" */
	updatesReceived: number;
	awarenessIds: Set<number>;
	tokens: number;
	lastRefill: number;
	closed: boolean;
}

export interface NewConnection {
	ws: WebSocket;
	socket: Duplex;
	doc: LoadedDoc;
	identity: Identity;
	token: string;
	write: boolean;
	wantsSaved: boolean;
}

export function createConn(init: NewConnection, settings: CollabSettings): Conn {
	return {
		...init,
		// a fresh string, not a slice of the Cookie header that would keep it alive
		token: Buffer.from(init.token, 'latin1').toString('latin1'),
		sessionId: sessionIdFromToken(init.token),
		checkAt: 0,
		updatesReceived: 0,
		awarenessIds: new Set(),
		tokens: settings.burst,
		lastRefill: performance.now(),
		closed: false
	};
}

const SEND_OPTIONS = { binary: true } as const;

/**
 * Sends one message. Returns false when the receiver has more than
 * `maxBufferedBytes` unsent: the caller closes it (Backpressure).
 */
export function sendTo(conn: Conn, message: Buffer, maxBufferedBytes: number): boolean {
	if (conn.closed || conn.ws.readyState !== WebSocket.OPEN) return true;
	if (conn.ws.bufferedAmount > maxBufferedBytes) return false;
	conn.ws.send(message, SEND_OPTIONS);
	return true;
}

/**
 * Token bucket per connection. Refilled here; the message receiver charges 1
 * per message that makes the server work (an update, a sync request, presence
 * of its own) and 0.1 for an awareness message that only echoes others'
 * presence back, which the stock client does for every awareness message
 * it receives.
 */
export function hasTokens(conn: Conn, settings: CollabSettings): boolean {
	const now = performance.now();
	conn.tokens = Math.min(settings.burst, conn.tokens + (now - conn.lastRefill) * settings.messagesPerMs);
	conn.lastRefill = now;
	return conn.tokens >= 1;
}

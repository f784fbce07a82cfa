/**
 * Every WebSocket close code the collaboration server uses, in one place
 * (after Hocuspocus's `CloseEvents`). docs/collab.md has the same table.
 *
 * The unmodified y-websocket 3 client treats 4400–4499 as permanent (it stops
 * reconnecting and emits `closed`) and every other code as transient (it
 * reconnects with backoff). The codes follow that convention: a broken or
 * unauthorised client is told not to come back, a client that only has to
 * reconnect (rights changed, server busy or restarting) is not.
 */
export interface CloseEvent {
	code: number;
	/** short, stable, English; sent as the close reason and used in log lines */
	reason: string;
}

export const CloseEvents = {
	/** The server is shutting down (SIGTERM), after committing every accepted update. Reconnect. */
	GoingAway: { code: 1001, reason: 'server shutting down' },
	/** A message exceeded maxPayload. Sent by `ws` itself; listed so the table is complete. */
	MessageTooBig: { code: 1009, reason: 'message too big' },
	/** The user's right on the document changed (write ↔ read). Reconnect to get a connection in the new mode. */
	RightsChanged: { code: 4000, reason: 'rights changed' },
	/** Malformed or truncated message, or a text frame. */
	BadMessage: { code: 4400, reason: 'malformed message' },
	/** The session ended: logout, expiry, password change. */
	Unauthorized: { code: 4401, reason: 'session ended' },
	/** The user no longer has any right on this document. */
	Forbidden: { code: 4403, reason: 'access revoked' },
	/** The document no longer exists. */
	NotFound: { code: 4404, reason: 'document not found' },
	/** A message type the server does not speak. */
	UnknownMessageType: { code: 4415, reason: 'unknown message type' },
	/** An update (sync step 2 or update) that does not decode or apply. Nothing of it is stored. */
	UpdateRejected: { code: 4422, reason: 'update rejected' },
	/** The server could not store an update or load the document. Reconnect later. */
	InternalError: { code: 4500, reason: 'internal error' },
	/** The client does not read its socket: too much is buffered for it. Reconnect. */
	Backpressure: { code: 4508, reason: 'client too slow' },
	/** Too many messages per second on this connection. Reconnect later. */
	RateLimited: { code: 4529, reason: 'too many messages' },
	/** The user (or this browser's session) already has the most open sockets allowed. Reconnect once others close. */
	TooManyConnections: { code: 4530, reason: 'too many connections' }
} as const satisfies Record<string, CloseEvent>;

export type CloseEventName = keyof typeof CloseEvents;

/** The name of a close code, for log lines and tests; undefined for codes not in the table. */
export function closeEventName(code: number): CloseEventName | undefined {
	for (const [name, event] of Object.entries(CloseEvents)) if (event.code === code) return name as CloseEventName;
	return undefined;
}

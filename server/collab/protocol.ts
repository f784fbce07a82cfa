import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The y-websocket wire protocol, as the unmodified y-websocket 3 client speaks
 * it, plus Kring's two opt-in messages. One WebSocket frame is one message:
 *
 *   message   = varUint(type) payload
 *   type 0    sync:      varUint(0 step1 | 1 step2 | 2 update) varUint8Array(state vector | update)
 *   type 1    awareness: varUint8Array(awareness update)
 *   type 3    query awareness: no payload; answered with one awareness message
 *   type 100  saved  (server → client): varUint(n) — the first n update-bearing
 *             messages (sync step 2 or update) this connection sent are committed
 *   type 101  access (server → client): varUint(0 read | 1 write), right after connecting
 *
 * The server sends types 100 and 101 only to clients that connected with the
 * query parameter `saved=1`: the stock client logs an error on types it does
 * not know. Type 2 (auth) is never sent by clients; the server rejects it as
 * unknown.
 *
 * An awareness update is varUint(count) followed by count × (varUint(clientID)
 * varUint(clock) varString(JSON state, "null" when the client left)).
 */
export const MessageType = {
	Sync: 0,
	Awareness: 1,
	Auth: 2,
	QueryAwareness: 3,
	Saved: 100,
	Access: 101
} as const;

export const SyncType = { Step1: 0, Step2: 1, Update: 2 } as const;

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Sync);
	encoding.writeVarUint(encoder, SyncType.Step1);
	encoding.writeVarUint8Array(encoder, stateVector);
	return encoding.toUint8Array(encoder);
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Sync);
	encoding.writeVarUint(encoder, SyncType.Step2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Sync);
	encoding.writeVarUint(encoder, SyncType.Update);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeSaved(count: number): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Saved);
	encoding.writeVarUint(encoder, count);
	return encoding.toUint8Array(encoder);
}

export function encodeAccess(write: boolean): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Access);
	encoding.writeVarUint(encoder, write ? 1 : 0);
	return encoding.toUint8Array(encoder);
}

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	/** the JSON text of the state; "null" when the client left */
	state: string;
}

/** An awareness message (type 1) carrying the given entries. */
export function encodeAwareness(entries: Iterable<AwarenessEntry>): Uint8Array {
	const inner = encoding.createEncoder();
	const list = Array.isArray(entries) ? (entries as AwarenessEntry[]) : [...entries];
	encoding.writeVarUint(inner, list.length);
	for (const entry of list) {
		encoding.writeVarUint(inner, entry.clientId);
		encoding.writeVarUint(inner, entry.clock);
		encoding.writeVarString(inner, entry.state);
	}
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Awareness);
	encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
	return encoding.toUint8Array(encoder);
}

/**
 * Reads an awareness update, calling `accept` for each entry's client id and
 * clock; only accepted entries have their state decoded and returned. Throws
 * on truncated input. Clients echo every awareness change they receive, so
 * most entries a server reads belong to other connections: skipping their
 * strings keeps that cheap.
 */
export function decodeAwareness(update: Uint8Array, accept: (clientId: number, clock: number) => boolean): AwarenessEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		if (accept(clientId, clock)) entries.push({ clientId, clock, state: decoding.readVarString(decoder) });
		else decoding.readVarUint8Array(decoder);
	}
	return entries;
}

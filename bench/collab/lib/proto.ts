/**
 * Wire formats the load generator speaks, built directly on lib0 so that a
 * raw client costs almost nothing per message.
 *
 *  - y-websocket framing (Kring, the reference server):
 *      [varUint messageType][payload]
 *  - Hocuspocus framing: every message starts with the document name:
 *      [varString documentName][varUint messageType][payload]
 *    and a connection must send an Auth/Token message before anything else
 *    is processed (messages before it are queued by the server).
 *
 * Every edit is one Y.Text insert of exactly EDIT_LEN ASCII characters:
 *   16 digits send time (µs since the epoch) + 4 base-36 sender index + 4 base-36 sequence.
 * So an update, however the server merged it, carries (characters / EDIT_LEN) edits,
 * and every edit says who sent it and when.
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

export type Framing = 'y' | 'hp';

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
export const MSG_QUERY_AWARENESS = 3;
export const MSG_SYNC_REPLY = 4; // Hocuspocus: same as sync, no new step 1 requested
export const MSG_SYNC_STATUS = 8; // Hocuspocus: "update applied" ack to the sender

export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

export const TEXT_NAME = 't';
export const EDIT_LEN = 24;
/**
 * Before a cell, every document gets one "seed" item of this client, one
 * character per connection (plus one); a raw connection's first edit goes
 * between its own character and the next. Without it every raw client's first edit would be an
 * insert at the very start of the text, and 500 of those make Yjs's conflict
 * resolution quadratic — on the servers and in the probes alike —, which no
 * real editing session looks like.
 */
export const SEED_CLIENT = 7;

/** wall-clock µs, comparable across processes on this machine */
export function nowUs(): number {
	return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export function editContent(sender: number, seq: number, tsUs = nowUs()): string {
	return (
		String(tsUs).padStart(16, '0') + sender.toString(36).padStart(4, '0') + seq.toString(36).padStart(4, '0')
	);
}

export interface EditInfo {
	tsUs: number;
	sender: number;
	seq: number;
}

export function parseEdit(s: string, at = 0): EditInfo {
	return {
		tsUs: Number(s.slice(at, at + 16)),
		sender: parseInt(s.slice(at + 16, at + 20), 36),
		seq: parseInt(s.slice(at + 20, at + 24), 36)
	};
}

/**
 * A Yjs v1 update holding one ContentString item appended by `client` at
 * `clock`, chained to its own previous item (so a client's edits form a run),
 * or — for the first edit — at the start of the root text. Equivalent to
 * what a Y.Doc that holds only this client's edits emits (checked in selfTest).
 */
export function encodeEditUpdate(client: number, clock: number, text: string, firstOrigin?: number): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1); // clients
	encoding.writeVarUint(e, 1); // structs of this client
	encoding.writeVarUint(e, client);
	encoding.writeVarUint(e, clock);
	if (clock === 0 && firstOrigin !== undefined) {
		// between the seed's characters `firstOrigin` and `firstOrigin + 1`, as Yjs itself encodes an insert there
		encoding.writeUint8(e, 4 | 0x80 | 0x40);
		encoding.writeVarUint(e, SEED_CLIENT);
		encoding.writeVarUint(e, firstOrigin);
		encoding.writeVarUint(e, SEED_CLIENT);
		encoding.writeVarUint(e, firstOrigin + 1);
	} else if (clock === 0) {
		encoding.writeUint8(e, 4); // ContentString, no origin → parent info follows
		encoding.writeVarUint(e, 1); // parent is a root type (ykey)
		encoding.writeVarString(e, TEXT_NAME);
	} else {
		encoding.writeUint8(e, 4 | 0x80); // ContentString with left origin
		encoding.writeVarUint(e, client);
		encoding.writeVarUint(e, clock - 1);
	}
	encoding.writeVarString(e, text);
	encoding.writeVarUint(e, 0); // empty delete set
	return encoding.toUint8Array(e);
}

export function encodeAwarenessUpdate(client: number, clock: number, state: unknown): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint(e, client);
	encoding.writeVarUint(e, clock);
	encoding.writeVarString(e, JSON.stringify(state));
	return encoding.toUint8Array(e);
}

function start(framing: Framing, name: string): encoding.Encoder {
	const e = encoding.createEncoder();
	if (framing === 'hp') encoding.writeVarString(e, name);
	return e;
}

/** the document-name prefix of a Hocuspocus frame, precomputed per connection */
export function framePrefix(framing: Framing, name: string): Uint8Array {
	return encoding.toUint8Array(start(framing, name));
}

export function frameSync(prefix: Uint8Array, step: number, payload: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeUint8Array(e, prefix);
	encoding.writeVarUint(e, MSG_SYNC);
	encoding.writeVarUint(e, step);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

export function frameAwareness(prefix: Uint8Array, update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeUint8Array(e, prefix);
	encoding.writeVarUint(e, MSG_AWARENESS);
	encoding.writeVarUint8Array(e, update);
	return encoding.toUint8Array(e);
}

/** Hocuspocus: Auth message, sub-type Token (checked by the bench server's onAuthenticate hook) */
export function frameHpAuth(prefix: Uint8Array, token: string): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeUint8Array(e, prefix);
	encoding.writeVarUint(e, MSG_AUTH);
	encoding.writeVarUint(e, 0);
	encoding.writeVarString(e, token);
	return encoding.toUint8Array(e);
}

export type Incoming =
	| { kind: 'sync'; step: number; payload: Uint8Array }
	| { kind: 'awareness' }
	| { kind: 'auth'; ok: boolean; detail: string }
	| { kind: 'status' }
	| { kind: 'other'; type: number };

export function parseIncoming(framing: Framing, data: Uint8Array): Incoming {
	const d = decoding.createDecoder(data);
	if (framing === 'hp') decoding.readVarString(d);
	const type = decoding.readVarUint(d);
	switch (type) {
		case MSG_SYNC:
		case MSG_SYNC_REPLY: {
			const step = decoding.readVarUint(d);
			return { kind: 'sync', step, payload: decoding.readVarUint8Array(d) };
		}
		case MSG_AWARENESS:
			return { kind: 'awareness' };
		case MSG_AUTH: {
			if (framing !== 'hp') return { kind: 'other', type };
			const sub = decoding.readVarUint(d);
			const detail = decoding.hasContent(d) ? decoding.readVarString(d) : '';
			return { kind: 'auth', ok: sub === 2, detail };
		}
		case MSG_SYNC_STATUS:
			return framing === 'hp' ? { kind: 'status' } : { kind: 'other', type };
		default:
			return { kind: 'other', type };
	}
}

/** Edits in an update, by sender index (from the content), plus their send times. */
export interface UpdateEdits {
	total: number;
	bySender: Map<number, number>;
}

export function editsInUpdate(update: Uint8Array): UpdateEdits {
	const { structs } = Y.decodeUpdate(update);
	const bySender = new Map<number, number>();
	let total = 0;
	for (const s of structs) {
		if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentString) || s.id.client === SEED_CLIENT) continue;
		const str = s.content.str;
		for (let i = 0; i + EDIT_LEN <= str.length; i += EDIT_LEN) {
			const sender = parseInt(str.slice(i + 16, i + 20), 36);
			bySender.set(sender, (bySender.get(sender) ?? 0) + 1);
			total++;
		}
	}
	return { total, bySender };
}

/** Startup check: the hand-made update equals what Yjs itself produces. */
export function selfTest(): void {
	const doc = new Y.Doc();
	doc.clientID = 123456;
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	const t = doc.getText(TEXT_NAME);
	const a = editContent(7, 0, 1);
	const b = editContent(7, 1, 2);
	t.insert(0, a);
	t.insert(t.length, b);
	const mine = [encodeEditUpdate(123456, 0, a), encodeEditUpdate(123456, EDIT_LEN, b)];
	for (let i = 0; i < 2; i++) {
		if (Buffer.compare(Buffer.from(updates[i]), Buffer.from(mine[i])) !== 0) {
			throw new Error(`hand-encoded update ${i} differs from Yjs: ${updates[i]} vs ${mine[i]}`);
		}
	}
	const other = new Y.Doc();
	for (const u of mine) Y.applyUpdate(other, u);
	if (other.getText(TEXT_NAME).toString() !== a + b) throw new Error('hand-encoded updates do not apply');
	const merged = editsInUpdate(Y.mergeUpdates(mine));
	if (merged.total !== 2 || merged.bySender.get(7) !== 2) throw new Error('edit counting is wrong');
	// seeded: a first edit after the seed's character 1
	const seeded = new Y.Doc();
	Y.applyUpdate(seeded, encodeEditUpdate(SEED_CLIENT, 0, 'abc'));
	Y.applyUpdate(seeded, encodeEditUpdate(99, 0, a, 1));
	Y.applyUpdate(seeded, encodeEditUpdate(99, EDIT_LEN, b));
	if (seeded.getText(TEXT_NAME).toString() !== 'ab' + a + b + 'c') throw new Error('seeded first edit misplaced');
	if (editsInUpdate(Y.encodeStateAsUpdate(seeded)).total !== 2) throw new Error('seed counted as edits');
}

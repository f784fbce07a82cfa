import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseEvents } from './close-codes.ts';
import {
	allSaved,
	connectClient,
	createTestDatabase,
	rawClient,
	startTestServer,
	synced,
	waitFor,
	type TestClient,
	type TestDatabase,
	type TestServer,
	storedState
} from './test-fixtures/harness.ts';

/**
 * Hostile input on one document's socket closes only that connection, with a
 * named code and one log line, and changes nothing stored — neither that
 * document nor another one.
 */

let database: TestDatabase;
let server: TestServer;
let witness: TestClient;
let targetName: string;
let otherName: string;
let targetBefore: Uint8Array;
let otherBefore: Uint8Array;

function contentOf(state: Uint8Array | null): unknown {
	const doc = new Y.Doc();
	if (state) Y.applyUpdate(doc, state);
	return { body: doc.getText('body').toString(), meta: doc.getMap('meta').toJSON() };
}

function seededBytes(seed: number, length: number): Uint8Array {
	const out = new Uint8Array(length);
	let x = seed;
	for (let i = 0; i < length; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		out[i] = x >>> 16;
	}
	return out;
}

function syncUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** A real update, cut short: its last struct and delete set are missing. */
function corruptUpdate(): Uint8Array {
	const doc = new Y.Doc();
	doc.getText('body').insert(0, 'this update is cut in half and must never be stored');
	const update = Y.encodeStateAsUpdate(doc);
	return update.slice(0, Math.floor(update.length / 2));
}

/** A valid update under 1 MiB that nests 8 000 elements inside each other. */
function deeplyNestedUpdate(): Uint8Array {
	const doc = new Y.Doc();
	doc.transact(() => {
		let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment('body_rich');
		for (let i = 0; i < 8000; i++) {
			const child: Y.XmlElement = new Y.XmlElement('bulletList');
			parent.insert(0, [child]);
			parent = child;
		}
	});
	return Y.encodeStateAsUpdate(doc);
}

function awarenessWithManyClients(count: number): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, count);
	for (let i = 0; i < count; i++) {
		encoding.writeVarUint(inner, 1_000_000 + i);
		encoding.writeVarUint(inner, 1);
		encoding.writeVarString(inner, JSON.stringify({ user: { name: `Ghost ${i}` }, cursor: null }));
	}
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 1);
	encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
	return encoding.toUint8Array(encoder);
}

beforeAll(async () => {
	database = await createTestDatabase();
	server = await startTestServer(database.opened);
	targetName = `action:${database.seed.actionIds[0]}`;
	otherName = `action:${database.seed.actionIds[1]}`;
	for (const [name, text] of [
		[targetName, 'doelwit'],
		[otherName, 'ander document']
	] as const) {
		const c = connectClient(server, name, database.seed.editor.token);
		await synced(c);
		c.doc.getText('body').insert(0, text);
		c.doc.getMap('meta').set('status', 'in_progress');
		await allSaved(c);
		c.destroy();
	}
	// a legitimate client stays on the target document throughout
	witness = connectClient(server, targetName, database.seed.editor.token);
	await synced(witness);
	targetBefore = (await storedState(database.opened, targetName))!;
	otherBefore = (await storedState(database.opened, otherName))!;
});

afterAll(async () => {
	witness.destroy();
	await server.stop();
	database.remove();
});

async function expectUnharmed(): Promise<void> {
	// the server still serves both documents, with their content unchanged
	const fresh = connectClient(server, otherName, database.seed.editor2.token);
	await synced(fresh);
	expect(fresh.doc.getText('body').toString()).toBe('ander document');
	fresh.destroy();
	expect(witness.provider.wsconnected).toBe(true);
	expect(contentOf(await storedState(database.opened, targetName))).toEqual(contentOf(targetBefore));
	expect(contentOf(await storedState(database.opened, otherName))).toEqual(contentOf(otherBefore));
	expect(witness.doc.getText('body').toString()).toBe('doelwit');
}

const frames: Array<{ what: string; frame: () => Uint8Array | string; close: number[] }> = [
	{ what: 'random bytes', frame: () => seededBytes(42, 64), close: [CloseEvents.BadMessage.code, CloseEvents.UnknownMessageType.code] },
	{ what: 'a truncated varint message type', frame: () => Uint8Array.of(0x80), close: [CloseEvents.BadMessage.code] },
	{ what: 'a truncated varint length in a sync update', frame: () => Uint8Array.of(0, 2, 0xff, 0xff), close: [CloseEvents.BadMessage.code] },
	{ what: 'a sync message whose length runs past the frame', frame: () => Uint8Array.of(0, 2, 50, 1, 2, 3), close: [CloseEvents.BadMessage.code] },
	{ what: 'a valid sync message wrapping a corrupt update', frame: () => syncUpdate(corruptUpdate()), close: [CloseEvents.UpdateRejected.code] },
	{ what: 'a valid update nesting 8 000 levels deep', frame: () => syncUpdate(deeplyNestedUpdate()), close: [CloseEvents.UpdateRejected.code] },
	{ what: 'a valid sync step 1 with a corrupt state vector', frame: () => Uint8Array.of(0, 0, 3, 5, 0x80, 0x80), close: [CloseEvents.BadMessage.code] },
	{ what: 'an unknown sync message type', frame: () => Uint8Array.of(0, 9, 0), close: [CloseEvents.BadMessage.code] },
	{ what: 'an unknown message type', frame: () => Uint8Array.of(7, 1, 2, 3), close: [CloseEvents.UnknownMessageType.code] },
	{ what: 'an auth message from a client', frame: () => Uint8Array.of(2, 0, 0), close: [CloseEvents.UnknownMessageType.code] },
	{ what: 'awareness with a state that is not JSON', frame: () => Uint8Array.of(1, 5, 1, 9, 1, 1, 0x7b), close: [CloseEvents.BadMessage.code] },
	{ what: 'a text frame', frame: () => 'hello', close: [CloseEvents.BadMessage.code] },
	{ what: 'a 2 MiB message', frame: () => syncUpdate(new Uint8Array(2 * 1024 * 1024)), close: [CloseEvents.MessageTooBig.code] }
];

const GHOSTS = 5000;
const isGhost = (id: number) => id >= 1_000_000 && id < 1_000_000 + GHOSTS && id !== witness.doc.clientID;

describe('hostile frames', () => {
	for (const { what, frame, close } of frames) {
		it(`closes only the connection that sends ${what}, with a named code and one log line`, async () => {
			const raw = await rawClient(server, targetName, database.seed.editor2.token);
			const linesBefore = server.lines.length;
			raw.ws.send(frame());
			const { code } = await raw.closed;
			expect(close).toContain(code);
			await waitFor(() => server.lines.length > linesBefore, 2000, 'log line');
			await new Promise((resolve) => setTimeout(resolve, 50));
			const closeLines = server.lines.slice(linesBefore).filter((l) => l.msg === 'collab connection closed');
			expect(closeLines).toHaveLength(1);
			await expectUnharmed();
		});
	}

	it('keeps at most a few awareness client ids of a connection that sends thousands', async () => {
		const raw = await rawClient(server, targetName, database.seed.editor2.token);
		raw.ws.send(awarenessWithManyClients(GHOSTS));
		await waitFor(
			() => [...witness.provider.awareness.getStates().keys()].some(isGhost),
			5000,
			'relayed awareness'
		);
		await new Promise((resolve) => setTimeout(resolve, 100));
		const ghosts = [...witness.provider.awareness.getStates().entries()].filter(([id]) => isGhost(id));
		expect(ghosts.length).toBeLessThanOrEqual(4);
		for (const [, state] of ghosts) expect((state as { user: { id: string } }).user.id).toBe(database.seed.editor2.id);
		raw.ws.close();
		await raw.closed;
		await expectUnharmed();
	});

	it('closes a connection that sends more messages than its rate limit allows', async () => {
		const limited = await startTestServer(database.opened, { rateLimit: { messagesPerSecond: 10, burst: 20 } });
		try {
			const raw = await rawClient(limited, otherName, database.seed.editor2.token);
			for (let i = 0; i < 50; i++) raw.ws.send(Uint8Array.of(3));
			expect((await raw.closed).code).toBe(CloseEvents.RateLimited.code);
		} finally {
			await limited.stop();
		}
		await expectUnharmed();
	});

	it('refuses the sockets of one session beyond its limit with 4530, keeping those already open', async () => {
		const limited = await startTestServer(database.opened, { maxConnectionsPerSession: 20, maxConnectionsPerUser: 30 });
		try {
			const open = [];
			for (let i = 0; i < 20; i++) open.push(await rawClient(limited, otherName, database.seed.editor2.token));
			const excess = await rawClient(limited, otherName, database.seed.editor2.token);
			expect((await excess.closed).code).toBe(CloseEvents.TooManyConnections.code);
			expect(open.every((c) => c.ws.readyState === c.ws.OPEN)).toBe(true);
			for (const c of open) c.ws.close();
			await Promise.all(open.map((c) => c.closed));
		} finally {
			await limited.stop();
		}
	});

	it('never writes a session token or document content to the log', () => {
		const all = server.raw.join('');
		for (const user of [database.seed.editor, database.seed.editor2]) expect(all).not.toContain(user.token);
		expect(all).not.toContain('doelwit');
		expect(all).not.toContain('must never be stored');
	});
});

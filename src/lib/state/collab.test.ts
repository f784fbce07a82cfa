import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageType } from '../../../server/collab/protocol.ts';
import { loadDocumentState } from '../../../server/collab/store.ts';
import {
	authedWebSocket,
	createTestDatabase,
	startTestServer,
	waitFor,
	type TestDatabase,
	type TestServer
} from '../../../server/collab/test-fixtures/harness.ts';
import { CollabDocument, MESSAGE_ACCESS, MESSAGE_SAVED, type SavedState } from './collab.svelte.ts';

let database: TestDatabase;
let server: TestServer;
const opened: CollabDocument[] = [];

function open(name: string, token: string): CollabDocument {
	const doc = new CollabDocument(name, {
		url: server.url,
		offline: false,
		broadcastChannel: false,
		WebSocketPolyfill: authedWebSocket(token, server.origin) as unknown as typeof WebSocket
	});
	opened.push(doc);
	return doc;
}

function storedText(name: string): string {
	const state = loadDocumentState(database.opened.sqlite, name);
	const doc = new Y.Doc();
	if (state) Y.applyUpdate(doc, state);
	return doc.getText('body').toString();
}

beforeAll(async () => {
	database = await createTestDatabase();
	server = await startTestServer(database.opened);
});

afterEach(() => {
	for (const doc of opened.splice(0)) doc.destroy();
});

afterAll(async () => {
	await server.stop();
	database.remove();
});

describe('CollabDocument', () => {
	it('uses the message numbers of the server protocol', () => {
		expect(MESSAGE_SAVED).toBe(MessageType.Saved);
		expect(MESSAGE_ACCESS).toBe(MessageType.Access);
	});

	it('reports connecting, then connected and synced, with write access for an editor', async () => {
		const doc = open(`action:${database.seed.actionIds[0]}`, database.seed.editor.token);
		expect(doc.connection).toBe('connecting');
		await waitFor(() => doc.connection === 'connected' && doc.synced, 5000, 'connected');
		await waitFor(() => doc.readOnly === false, 5000, 'access message');
		expect(doc.saved).toBe('saved');
	});

	it('goes from saving to saved once the server has committed a local change', async () => {
		const name = `action:${database.seed.actionIds[0]}`;
		const doc = open(name, database.seed.editor.token);
		await waitFor(() => doc.synced, 5000, 'synced');
		const states: SavedState[] = [];
		doc.doc.getText('body').insert(0, 'Alle wijzigingen opgeslagen');
		states.push(doc.saved);
		await waitFor(() => doc.saved === 'saved', 5000, 'saved');
		expect(states).toEqual(['saving']);
		expect(storedText(name)).toContain('Alle wijzigingen opgeslagen');
	});

	it('marks a viewer read-only', async () => {
		const doc = open(`plan:${database.seed.planId}`, database.seed.viewer.token);
		await waitFor(() => doc.readOnly === true, 5000, 'access message');
	});

	it('reports offline with pending changes while the server is away, and saved after it returns', async () => {
		const name = `action:${database.seed.actionIds[1]}`;
		const doc = open(name, database.seed.editor.token);
		await waitFor(() => doc.synced, 5000, 'synced');
		const port = server.port;
		await server.stop();
		await waitFor(() => doc.connection === 'offline', 5000, 'offline');
		doc.doc.getText('body').insert(0, 'offline geschreven');
		expect(doc.saved).toBe('offline-pending');
		server = await startTestServer(database.opened, {}, port);
		await waitFor(() => doc.connection === 'connected', 10_000, 'reconnected');
		await waitFor(() => doc.saved === 'saved', 5000, 'saved after reconnect');
		expect(storedText(name)).toContain('offline geschreven');
	});

	it('exposes a permanent close when access is revoked', async () => {
		const { db } = database.opened;
		const { viewer, regionId } = database.seed;
		const doc = open(`plan:${database.seed.planId}`, viewer.token);
		await waitFor(() => doc.synced, 5000, 'synced');
		await db.deleteFrom('region_memberships').where('user_id', '=', viewer.id).execute();
		server.server.recheckUser(viewer.id);
		await waitFor(() => doc.closed !== null, 5000, 'closed');
		expect(doc.closed?.code).toBe(4403);
		expect(doc.connection).toBe('offline');
		await db.insertInto('region_memberships').values({ user_id: viewer.id, region_id: regionId, role: 'viewer' }).execute();
	});
});

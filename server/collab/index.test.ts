import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseEvents } from './close-codes.ts';
import {
	allSaved,
	connectClient,
	createTestDatabase,
	handshakeStatus,
	rawClient,
	roundTrip,
	startTestServer,
	synced,
	waitFor,
	type TestClient,
	type TestDatabase,
	type TestServer,
	storedState
} from './test-fixtures/harness.ts';
import { onSqlite } from '../../src/lib/server/test-db.ts';

let database: TestDatabase;
let server: TestServer;
const clients: TestClient[] = [];

function client(name: string, token: string, options?: { saved?: boolean }): TestClient {
	const c = connectClient(server, name, token, options);
	clients.push(c);
	return c;
}

async function storedText(name: string, field = 'body'): Promise<string> {
	const state = await storedState(database.opened, name);
	if (!state) return '';
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	return doc.getText(field).toString();
}

beforeAll(async () => {
	database = await createTestDatabase();
	server = await startTestServer(database.opened, { sweepIntervalMs: 1000, unloadDelayMs: 200 });
});

afterEach(() => {
	for (const c of clients.splice(0)) c.destroy();
});

afterAll(async () => {
	await server.stop();
	database.remove();
});

const actionDoc = () => `action:${database.seed.actionIds[0]}`;

describe('upgrade checks', () => {
	it('answers 401 without a session cookie', async () => {
		expect(await handshakeStatus(`${server.url}/${actionDoc()}`, { Origin: server.origin })).toBe(401);
	});

	it('answers 401 for a session that does not exist', async () => {
		const headers = { Origin: server.origin, Cookie: 'session=abcdefghijklmnopqrstuvwxyz234567' };
		expect(await handshakeStatus(`${server.url}/${actionDoc()}`, headers)).toBe(401);
	});

	it('answers 403 to a foreign Origin, before looking at the cookie', async () => {
		const headers = { Origin: 'https://evil.example', Cookie: `session=${database.seed.editor.token}` };
		expect(await handshakeStatus(`${server.url}/${actionDoc()}`, headers)).toBe(403);
		expect(await handshakeStatus(`${server.url}/${actionDoc()}`, { Origin: 'https://evil.example' })).toBe(403);
	});

	it('answers 403 to a user without any right on the document', async () => {
		const headers = { Origin: server.origin, Cookie: `session=${database.seed.stranger.token}` };
		expect(await handshakeStatus(`${server.url}/${actionDoc()}`, headers)).toBe(403);
	});

	it('answers 404 to malformed and unknown document names and loads nothing', async () => {
		const headers = { Origin: server.origin, Cookie: `session=${database.seed.editor.token}` };
		const before = server.server.stats().documents;
		for (const name of ['nonsense', 'action:', 'ACTION:abc', 'action:a%2Fb', 'user:abc', 'action:doesnotexist0000']) {
			expect(await handshakeStatus(`${server.url}/${name}`, headers), name).toBe(404);
		}
		expect(server.server.stats().documents).toBe(before);
	});

	it('accepts an editor', async () => {
		const headers = { Origin: server.origin, Cookie: `session=${database.seed.editor.token}` };
		expect(await handshakeStatus(`${server.url}/${actionDoc()}`, headers)).toBe(101);
	});
});

describe('editing', () => {
	it('lets two editors converge on the same document', async () => {
		const name = `plan:${database.seed.planId}`;
		const a = client(name, database.seed.editor.token);
		const b = client(name, database.seed.editor2.token);
		await Promise.all([synced(a), synced(b)]);
		a.doc.getText('body').insert(0, 'Hallo ');
		b.doc.getText('body').insert(0, 'wereld ');
		a.doc.getMap('meta').set('status', 'in_progress');
		await waitFor(
			() => a.doc.getText('body').toString() === b.doc.getText('body').toString() && b.doc.getMap('meta').get('status') === 'in_progress',
			5000,
			'convergence'
		);
		expect(a.doc.getText('body').toString()).toContain('Hallo');
		expect(a.doc.getText('body').toString()).toContain('wereld');
	});

	it("never lets a viewer's edit reach another client or the database", async () => {
		const name = `theme:${database.seed.themeId}`;
		const editor = client(name, database.seed.editor.token);
		const viewer = client(name, database.seed.viewer.token);
		await Promise.all([synced(editor), synced(viewer)]);
		viewer.doc.getText('body').insert(0, 'VIEWER');
		await roundTrip(viewer); // the server has handled (and dropped) the viewer's update
		editor.doc.getText('body').insert(0, 'EDITOR');
		await allSaved(editor);
		await waitFor(() => viewer.doc.getText('body').toString().includes('EDITOR'), 5000, 'viewer receives edits');
		const fresh = client(name, database.seed.editor2.token);
		await synced(fresh);
		expect(editor.doc.getText('body').toString()).toBe('EDITOR');
		expect(fresh.doc.getText('body').toString()).toBe('EDITOR');
		expect(await storedText(name)).toBe('EDITOR');
	});

	it('acknowledges committed updates with a saved message, and only what is in the database', async () => {
		const name = `action:${database.seed.actionIds[1]}`;
		const a = client(name, database.seed.editor.token);
		await synced(a);
		a.doc.getText('body').insert(0, 'opgeslagen');
		await allSaved(a);
		expect(await storedText(name)).toContain('opgeslagen');
	});

	it('sends Kring messages only to clients that asked for them', async () => {
		const name = `action:${database.seed.actionIds[1]}`;
		const raw = await rawClient(server, name, database.seed.editor.token);
		// a sync update from a client that did not ask for "saved"
		const doc = new Y.Doc();
		doc.getText('body').insert(0, 'x');
		const update = Y.encodeStateAsUpdate(doc);
		raw.ws.send(Uint8Array.of(0, 2, update.length, ...update));
		raw.ws.send(Uint8Array.of(3));
		await waitFor(() => raw.messages.some((m) => m[0] === 1), 5000, 'awareness reply');
		expect(raw.messages.some((m) => m[0] === 100 || m[0] === 101)).toBe(false);
		raw.ws.close();
	});

	it('shows the session user in awareness, whatever the client claims', async () => {
		const name = `plan:${database.seed.planId}`;
		const a = client(name, database.seed.editor.token);
		const b = client(name, database.seed.editor2.token);
		await Promise.all([synced(a), synced(b)]);
		a.provider.awareness.setLocalStateField('user', { id: 'someone-else', name: 'Mallory', color: '#000000' });
		a.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
		await waitFor(() => {
			const state = b.provider.awareness.getStates().get(a.doc.clientID);
			return state?.cursor !== undefined;
		}, 5000, 'awareness relayed');
		const seen = b.provider.awareness.getStates().get(a.doc.clientID) as { user: { id: string; name: string } };
		expect(seen.user.id).toBe(database.seed.editor.id);
		expect(seen.user.name).toBe(database.seed.editor.name);
	});

	it("does not relay a viewer's awareness", async () => {
		const name = `plan:${database.seed.planId}`;
		const editor = client(name, database.seed.editor.token);
		const viewer = client(name, database.seed.viewer.token);
		await Promise.all([synced(editor), synced(viewer)]);
		viewer.provider.awareness.setLocalStateField('cursor', { anchor: 3 });
		await roundTrip(viewer);
		editor.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
		await waitFor(() => viewer.provider.awareness.getStates().has(editor.doc.clientID), 5000, 'editor presence');
		await roundTrip(editor);
		expect(editor.provider.awareness.getStates().has(viewer.doc.clientID)).toBe(false);
	});

	it('applies server-side changes through the same path and reads documents back', async () => {
		const name = `action:${database.seed.actionIds[1]}`;
		const a = client(name, database.seed.editor.token);
		await synced(a);
		await server.server.change(name, (doc) => doc.getMap('meta').set('title', 'Van de server'));
		await waitFor(() => a.doc.getMap('meta').get('title') === 'Van de server', 5000, 'server change');
		const copy = await server.server.readDocument(name);
		expect(copy.getMap('meta').get('title')).toBe('Van de server');
		copy.destroy();
	});

	// one SQLite connection shared by the app and the collaboration store; PostgreSQL has a connection per transaction
	it.skipIf(!onSqlite)('commits its own transaction even while the app holds a Kysely transaction open across awaits', async () => {
		const name = `action:${database.seed.actionIds[1]}`;
		const a = client(name, database.seed.editor.token);
		await synced(a);
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		const rolledBack = database.opened.db
			.transaction()
			.execute(async (trx) => {
				await trx.selectFrom('users').select('id').execute();
				await held;
				throw new Error('roll back');
			})
			.catch(() => 'rolled back');
		await new Promise((resolve) => setTimeout(resolve, 20));
		a.doc.getText('body').insert(0, 'buiten de transactie ');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(a.saved.acked).toBeLessThan(a.saved.sent); // not acknowledged while it could not commit on its own
		release();
		expect(await rolledBack).toBe('rolled back');
		await allSaved(a);
		expect(await storedText(name)).toContain('buiten de transactie');
	});

	it('refuses server-side changes to documents that do not exist', async () => {
		await expect(server.server.change('action:doesnotexist0000', () => {})).rejects.toThrow();
		await expect(server.server.change('garbage', () => {})).rejects.toThrow();
	});
});

describe('revocation', () => {
	it('closes the socket when a right is revoked and recheckUser is called', async () => {
		const name = `plan:${database.seed.planId}`;
		const { db } = database.opened;
		const { viewer, regionId } = database.seed;
		const c = client(name, viewer.token);
		await synced(c);
		await db.deleteFrom('region_memberships').where('user_id', '=', viewer.id).execute();
		const start = Date.now();
		server.server.recheckUser(viewer.id);
		await waitFor(() => c.closeEvents.length > 0, 5000, 'close');
		expect(Date.now() - start).toBeLessThan(5000);
		expect(c.closeEvents[0].code).toBe(CloseEvents.Forbidden.code);
		await db.insertInto('region_memberships').values({ user_id: viewer.id, region_id: regionId, role: 'viewer' }).execute();
	});

	it('closes the socket within 5 s when the session ends, without being told', async () => {
		const name = `plan:${database.seed.planId}`;
		const { db } = database.opened;
		const c = client(name, database.seed.editor2.token);
		await synced(c);
		await db.deleteFrom('sessions').where('user_id', '=', database.seed.editor2.id).execute();
		await waitFor(() => c.closeEvents.length > 0, 5000, 'close by the sweep');
		expect(c.closeEvents[0].code).toBe(CloseEvents.Unauthorized.code);
	});

	it('closes a writer that became a reader so it reconnects read-only', async () => {
		const name = `plan:${database.seed.planId}`;
		const { db } = database.opened;
		const { editor, regionId } = database.seed;
		const c = client(name, editor.token);
		await synced(c);
		await db.updateTable('region_memberships').set({ role: 'viewer' }).where('user_id', '=', editor.id).where('region_id', '=', regionId).execute();
		server.server.recheckUser(editor.id);
		await waitFor(() => c.closeEvents.length > 0, 5000, 'close');
		expect(c.closeEvents[0].code).toBe(CloseEvents.RightsChanged.code);
		await waitFor(() => c.provider.synced, 5000, 'reconnect');
		c.doc.getText('readonly-check').insert(0, 'dropped');
		await roundTrip(c);
		expect(await storedText(name, 'readonly-check')).toBe('');
		await db.updateTable('region_memberships').set({ role: 'editor' }).where('user_id', '=', editor.id).where('region_id', '=', regionId).execute();
	});
});

describe('projection', () => {
	it('calls the projection hook once, debounced, after a burst of committed changes', async () => {
		const calls: Array<{ name: string; title: unknown; planId: string }> = [];
		const projecting = await startTestServer(database.opened, {
			projectionDelayMs: 100,
			onDocumentChange: (name, doc, resource) => {
				calls.push({ name, title: doc.getMap('meta').get('title'), planId: resource.planId });
			}
		});
		const name = `action:${database.seed.actionIds[0]}`;
		try {
			const c = connectClient(projecting, name, database.seed.editor.token);
			await synced(c);
			for (let i = 1; i <= 10; i++) {
				c.doc.getMap('meta').set('title', `Titel ${i}`);
				await allSaved(c);
			}
			await waitFor(() => calls.length > 0, 5000, 'projection');
			await new Promise((resolve) => setTimeout(resolve, 250));
			expect(calls).toEqual([{ name, title: 'Titel 10', planId: database.seed.planId }]);
			c.destroy();
		} finally {
			await projecting.stop();
		}
	});

	it('runs pending projections when the server closes', async () => {
		const titles: unknown[] = [];
		const projecting = await startTestServer(database.opened, {
			projectionDelayMs: 60_000,
			onDocumentChange: async (_name, doc) => {
				const title = doc.getMap('meta').get('title');
				await new Promise((resolve) => setTimeout(resolve, 20));
				titles.push(title);
			}
		});
		const name = `action:${database.seed.actionIds[0]}`;
		const c = connectClient(projecting, name, database.seed.editor.token);
		await synced(c);
		c.doc.getMap('meta').set('title', 'Bij afsluiten');
		await allSaved(c);
		expect(titles).toEqual([]);
		await projecting.stop();
		expect(titles).toEqual(['Bij afsluiten']);
		c.destroy();
	});
});


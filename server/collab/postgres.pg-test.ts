import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openPostgres, type OpenedPostgres } from '../../src/lib/server/db.ts';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../testing/postgres.ts';
import { CloseEvents } from './close-codes.ts';
import { postgresDocumentStore, writeInitialStateDb } from './document-store.ts';
import { docFromStored } from './store.ts';
import {
	allSaved,
	connectClient,
	createPostgresCollabDatabase,
	roundTrip,
	startTestServer,
	synced,
	waitFor,
	type Seed,
	type TestClient,
	type TestServer
} from './test-fixtures/harness.ts';

/**
 * The collaboration server on PostgreSQL (issue 18): the same promises as on
 * SQLite — an update is committed before anyone else sees it or its sender is
 * told "saved", documents survive a restart and compaction, and a change of
 * rights closes a socket without being told (rights notifications).
 */

let pgServer: TestPostgres;
let opened: OpenedPostgres;
let seed: Seed;
let closeDatabase: () => Promise<void>;
/** a second pool, as another process would read the database */
let reader: OpenedPostgres;
let server: TestServer;
const clients: TestClient[] = [];

function client(name: string, token: string): TestClient {
	const c = connectClient(server, name, token);
	clients.push(c);
	return c;
}

/** What is committed for `name`, read through a pool of its own. */
async function storedText(name: string, field = 'body'): Promise<string> {
	const doc = docFromStored(await postgresDocumentStore(reader.pool).read(name));
	try {
		return doc.getText(field).toString();
	} finally {
		doc.destroy();
	}
}

const skip = postgresSkipReason();
if (skip) console.warn(`skipping the collaboration server on PostgreSQL: ${skip}`);

describe.skipIf(skip !== null)('the collaboration server on PostgreSQL 15', () => {
	beforeAll(async () => {
		pgServer = await startPostgres();
		const url = await pgServer.createDatabase('kring_collab');
		({ opened, seed, close: closeDatabase } = await createPostgresCollabDatabase(url));
		reader = openPostgres(url, { max: 2 });
		server = await startTestServer(opened, { sweepIntervalMs: 300, unloadDelayMs: 200, compactAfterUpdates: 20 });
	});

	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});

	afterAll(async () => {
		await server?.stop();
		await reader?.db.destroy();
		await closeDatabase?.();
		await pgServer?.stop();
	});

	it('lets two editors converge on one document', async () => {
		const name = `plan:${seed.planId}`;
		const a = client(name, seed.editor.token);
		const b = client(name, seed.editor2.token);
		await Promise.all([synced(a), synced(b)]);
		a.doc.getText('body').insert(0, 'Hallo ');
		b.doc.getText('body').insert(0, 'wereld ');
		await waitFor(() => a.doc.getText('body').toString() === b.doc.getText('body').toString() && a.doc.getText('body').length === 13, 5000, 'convergence');
		expect(a.doc.getText('body').toString()).toContain('Hallo');
		expect(a.doc.getText('body').toString()).toContain('wereld');
	});

	it('says "saved" only for what another connection already reads from PostgreSQL', async () => {
		const name = `action:${seed.actionIds[1]}`;
		const a = client(name, seed.editor.token);
		await synced(a);
		a.doc.getText('body').insert(0, 'opgeslagen');
		await allSaved(a);
		expect(await storedText(name)).toBe('opgeslagen');
	});

	it("keeps a viewer's edit out of the database and away from others", async () => {
		const name = `theme:${seed.themeId}`;
		const editor = client(name, seed.editor.token);
		const viewer = client(name, seed.viewer.token);
		await Promise.all([synced(editor), synced(viewer)]);
		viewer.doc.getText('body').insert(0, 'VIEWER');
		await roundTrip(viewer);
		editor.doc.getText('body').insert(0, 'EDITOR');
		await allSaved(editor);
		await waitFor(() => viewer.doc.getText('body').toString().includes('EDITOR'), 5000, 'viewer receives edits');
		expect(editor.doc.getText('body').toString()).toBe('EDITOR');
		expect(await storedText(name)).toBe('EDITOR');
	});

	it('compacts many updates into a snapshot and loads the same document after a restart', async () => {
		const name = `action:${seed.actionIds[0]}`;
		const a = client(name, seed.editor.token);
		await synced(a);
		for (let i = 0; i < 60; i++) {
			a.doc.getText('body').insert(a.doc.getText('body').length, `${i % 10}`);
			if (i % 5 === 4) await allSaved(a);
		}
		await allSaved(a);
		const typed = a.doc.getText('body').toString();
		a.destroy();
		clients.splice(clients.indexOf(a), 1);
		await server.stop();
		const { rows } = await reader.pool.query<{ updates: number; state: number; sessions: number }>(
			`select (select count(*) from collab_updates u where u.doc_id = d.id) as updates,
				coalesce(octet_length(d.state), 0) as state,
				(select count(*) from collab_history h where h.doc_id = d.id) as sessions
			 from collab_documents d where d.name = $1`,
			[name]
		);
		// the unload and the shutdown folded what they could; the history keeps the editing session
		expect(rows[0].state).toBeGreaterThan(0);
		expect(rows[0].updates).toBeLessThan(60);
		expect(rows[0].sessions).toBeGreaterThanOrEqual(1);
		server = await startTestServer(opened, { sweepIntervalMs: 300, unloadDelayMs: 200, compactAfterUpdates: 20 });
		const b = client(name, seed.editor2.token);
		await synced(b);
		expect(b.doc.getText('body').toString()).toBe(typed);
		expect(await storedText(name)).toBe(typed);
	});

	it('applies a change of the server through the same commit and resolves once it is stored', async () => {
		const name = `action:${seed.actionIds[1]}`;
		const a = client(name, seed.editor.token);
		await synced(a);
		await server.server.change(name, (doc) => doc.getMap('meta').set('status', 'done'), { author: seed.editor.id });
		const copy = docFromStored(await postgresDocumentStore(reader.pool).read(name));
		expect(copy.getMap('meta').get('status')).toBe('done');
		copy.destroy();
		await waitFor(() => a.doc.getMap('meta').get('status') === 'done', 5000, 'the change reaches the client');
	});

	it('closes the socket of someone whose right was taken away, without being told', async () => {
		const name = `plan:${seed.planId}`;
		const c = client(name, seed.viewer.token);
		await synced(c);
		// another connection, as another node or a maintenance script would
		await reader.db.deleteFrom('region_memberships').where('user_id', '=', seed.viewer.id).execute();
		await waitFor(() => c.closeEvents.length > 0, 5000, 'close by the sweep');
		expect(c.closeEvents[0].code).toBe(CloseEvents.Forbidden.code);
		await reader.db.insertInto('region_memberships').values({ user_id: seed.viewer.id, region_id: seed.regionId, role: 'viewer' }).execute();
	});

	it('writes a new document as its snapshot, once', async () => {
		const doc = new Y.Doc();
		doc.getText('body').insert(0, 'nieuw');
		const update = Y.encodeStateAsUpdate(doc);
		doc.destroy();
		const name = `action:${seed.actionIds[0]}-nieuw`;
		expect(await writeInitialStateDb(opened.db, name, update)).toBe(true);
		expect(await writeInitialStateDb(opened.db, name, update)).toBe(false);
		expect(await storedText(name)).toBe('nieuw');
	});
});

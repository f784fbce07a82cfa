import Sqlite from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFromToken } from '../../src/lib/server/session.ts';
import { CloseEvents } from './close-codes.ts';
import { createTestDatabase, rawClient, startTestServer, waitFor, type TestDatabase, type TestServer } from './test-fixtures/harness.ts';
import { onSqlite } from '../../src/lib/server/test-db.ts';

/**
 * The re-check's sweep (sweep.ts, recheck.ts): a change of rights closes a
 * socket within the interval without anyone calling recheckUser — made on
 * the server's own connection or by another one — and a quiet interval
 * checks nothing.
 */

const SWEEP_MS = 300;
let database: TestDatabase;
let server: TestServer;
let checked = 0;
const sockets: Array<{ ws: { terminate(): void } }> = [];

beforeAll(async () => {
	database = await createTestDatabase();
	server = await startTestServer(database.opened, {
		sweepIntervalMs: SWEEP_MS,
		observe: {
			recheckSlice(_seconds, count) {
				checked += count;
			}
		}
	});
});

afterEach(() => {
	for (const s of sockets.splice(0)) s.ws.terminate();
});

afterAll(async () => {
	await server.stop();
	database.remove();
});

async function open(token: string) {
	const c = await rawClient(server, `plan:${database.seed.planId}`, token);
	sockets.push(c);
	return c;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 2.5));

describe('the sweep', () => {
	it('checks nothing in a quiet interval, and every socket after a change of rights', async () => {
		await open(database.seed.viewer.token);
		await open(database.seed.editor.token);
		await settle();
		checked = 0;
		await settle();
		expect(checked).toBe(0);
		await database.opened.db.updateTable('users').set({ name: 'Vera V.' }).where('id', '=', database.seed.viewer.id).execute();
		await waitFor(() => checked >= 2, SWEEP_MS * 3, 'a full sweep');
	});

	it('closes a socket whose role was deleted on the server\'s own connection, without recheckUser', async () => {
		const { db } = database.opened;
		const { viewer, regionId } = database.seed;
		const c = await open(viewer.token);
		await settle();
		const start = Date.now();
		await db.deleteFrom('region_memberships').where('user_id', '=', viewer.id).execute();
		const closed = await c.closed;
		expect(closed.code).toBe(CloseEvents.Forbidden.code);
		expect(Date.now() - start).toBeLessThan(SWEEP_MS * 2 + 200);
		await db.insertInto('region_memberships').values({ user_id: viewer.id, region_id: regionId, role: 'viewer' }).execute();
	});

	it.skipIf(!onSqlite)('closes a socket whose role was changed by another connection (another process)', async () => {
		const { editor, regionId } = database.seed;
		const c = await open(editor.token);
		await settle();
		const other = new Sqlite(database.path);
		try {
			other.prepare('UPDATE region_memberships SET role = ? WHERE user_id = ? AND region_id = ?').run('viewer', editor.id, regionId);
			const closed = await c.closed;
			expect(closed.code).toBe(CloseEvents.RightsChanged.code);
			other.prepare('UPDATE region_memberships SET role = ? WHERE user_id = ? AND region_id = ?').run('editor', editor.id, regionId);
		} finally {
			other.close();
		}
	});

	it('closes a socket when its session runs out, with nothing else changing', async () => {
		const { db } = database.opened;
		const { editor2 } = database.seed;
		const c = await open(editor2.token);
		const end = Date.now() + SWEEP_MS * 3;
		await db
			.updateTable('sessions')
			.set({ expires_at: end, absolute_expires_at: end })
			.where('id', '=', sessionIdFromToken(editor2.token))
			.execute();
		await settle();
		checked = 0;
		const closed = await c.closed;
		expect(closed.code).toBe(CloseEvents.Unauthorized.code);
		expect(Date.now()).toBeGreaterThanOrEqual(end);
		expect(Date.now() - end).toBeLessThan(SWEEP_MS + 200);
		// only the due socket was looked at, not the others of this file's earlier tests
		expect(checked).toBeLessThanOrEqual(1);
		expect(await db.selectFrom('sessions').select('id').where('id', '=', sessionIdFromToken(editor2.token)).executeTakeFirst()).toBeUndefined();
	});
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
	connectClient,
	createTestDatabase,
	startTestServer,
	synced,
	waitFor,
	type TestClient,
	type TestDatabase,
	type TestServer
} from './test-fixtures/harness.ts';

/** Who is on which document of a plan (present), and the signal when that changes (onPresenceChange). */

let database: TestDatabase;
let server: TestServer;
const clients: TestClient[] = [];
const signals: string[] = [];

function client(name: string, token: string): TestClient {
	const c = connectClient(server, name, token);
	clients.push(c);
	return c;
}

function usersOn(name: string): string[] {
	const entry = server.server.present(database.seed.planId).find((d) => d.name === name);
	return (entry?.users.map((u) => u.name) ?? []).sort();
}

beforeAll(async () => {
	database = await createTestDatabase();
	server = await startTestServer(database.opened, { unloadDelayMs: 200, onPresenceChange: (planId) => signals.push(planId) });
});

afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	await waitFor(() => server.server.present(database.seed.planId).length === 0, 5000, 'everyone gone');
	signals.length = 0;
});

afterAll(async () => {
	await server.stop();
	database.remove();
});

describe('present', () => {
	it('lists the users on each document of the plan, each user once, and signals the plan on join and leave', async () => {
		const card = `action:${database.seed.actionIds[0]}`;
		const theme = `theme:${database.seed.themeId}`;
		const { editor, editor2, viewer } = database.seed;
		const a = client(card, editor.token);
		const a2 = client(card, editor.token); // the same person in a second tab
		const b = client(theme, viewer.token);
		await Promise.all([synced(a), synced(a2), synced(b)]);

		expect(usersOn(card)).toEqual([editor.name]);
		expect(usersOn(theme)).toEqual([viewer.name]);
		const entry = server.server.present(database.seed.planId).find((d) => d.name === card);
		expect(entry?.users[0]).toEqual({ id: editor.id, name: editor.name, color: expect.any(String) });
		expect(signals.length).toBeGreaterThanOrEqual(3);
		expect(new Set(signals)).toEqual(new Set([database.seed.planId]));

		const c = client(card, editor2.token);
		await synced(c);
		expect(usersOn(card)).toEqual([editor.name, editor2.name].sort());

		signals.length = 0;
		c.destroy();
		await waitFor(() => usersOn(card).length === 1, 5000, 'editor2 left');
		expect(usersOn(card)).toEqual([editor.name]);
		expect(signals).toContain(database.seed.planId);

		// one of two tabs closed: the person is still there
		a.destroy();
		await waitFor(() => signals.length >= 2, 5000, 'leave signalled');
		expect(usersOn(card)).toEqual([editor.name]);
	});

	it('knows nothing of another plan and of documents nobody has open', async () => {
		const a = client(`action:${database.seed.actionIds[1]}`, database.seed.editor.token);
		await synced(a);
		expect(server.server.present('someotherplan')).toEqual([]);
		expect(server.server.present(database.seed.planId).map((d) => d.name)).toEqual([`action:${database.seed.actionIds[1]}`]);
	});
});

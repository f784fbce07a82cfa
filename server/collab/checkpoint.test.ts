import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collabStore } from './store.ts';
import { createTestDatabase, startTestServer, waitFor, type TestDatabase, type TestServer } from './test-fixtures/harness.ts';

/** WAL checkpoints run in the worker thread, never in the server's commits (checkpoint.ts). */

let database: TestDatabase;
let server: TestServer;
const seen: Array<{ frames: number; copied: number }> = [];

beforeAll(async () => {
	database = await createTestDatabase();
	server = await startTestServer(database.opened, {
		checkpointIntervalMs: 50,
		observe: { checkpoint: (frames, copied) => seen.push({ frames, copied }) }
	});
});

afterAll(async () => {
	await server.stop();
	database.remove();
});

describe('WAL checkpoints', () => {
	it('are taken off the server connection and done by the worker, and come back when it stops', async () => {
		const { sqlite } = database.opened;
		await waitFor(() => sqlite.pragma('wal_autocheckpoint', { simple: true }) === 0, 5000, 'the worker');
		const store = collabStore(sqlite);
		const docId = store.ensureDocument(`action:${database.seed.actionIds[0]}`);
		const update = new Uint8Array(3000).fill(1);
		// well past the 1000 pages at which SQLite would checkpoint inside a commit
		for (let seq = 1; seq <= 1500; seq++) store.transaction(() => store.append(docId, seq, update));
		await waitFor(() => seen.some((s) => s.frames > 0 && s.copied === s.frames), 5000, 'a complete checkpoint');
		await server.server.close();
		expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
	});
});

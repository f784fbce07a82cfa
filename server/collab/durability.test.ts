import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseEvents } from './close-codes.ts';
import {
	allSaved,
	connectClient,
	createTestDatabase,
	startTestServer,
	synced,
	waitFor,
	type TestClient,
	type TestDatabase
} from './test-fixtures/harness.ts';

const CHILD = fileURLToPath(new URL('./test-fixtures/child-server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let database: TestDatabase;

beforeAll(async () => {
	database = await createTestDatabase();
});

afterAll(() => database.remove());

interface Child {
	process: ChildProcess;
	url: string;
	origin: string;
	exited: Promise<void>;
}

async function startChild(): Promise<Child> {
	const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
		cwd: ROOT,
		env: { ...process.env, DATABASE_PATH: database.path },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const line = await new Promise<string>((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		lines.once('line', resolve);
		child.once('exit', (code) => reject(new Error(`child server exited early (${code})`)));
	});
	const { port } = JSON.parse(line) as { port: number };
	return { process: child, url: `ws://127.0.0.1:${port}/collab`, origin: `http://127.0.0.1:${port}`, exited };
}

function items(client: TestClient): string[] {
	return client.doc.getArray<string>('log').toArray();
}

describe('durability', () => {
	it('keeps content across a server restart', async () => {
		const name = `action:${database.seed.actionIds[0]}`;
		const first = await startTestServer(database.opened);
		const a = connectClient(first, name, database.seed.editor.token);
		await synced(a);
		a.doc.getText('body').insert(0, 'blijft bewaard');
		await allSaved(a);
		await first.stop();
		await waitFor(() => a.closeEvents.length > 0, 5000, 'close on shutdown');
		expect(a.closeEvents[0].code).toBe(CloseEvents.GoingAway.code);
		a.destroy();

		const second = await startTestServer(database.opened);
		try {
			const b = connectClient(second, name, database.seed.editor2.token);
			await synced(b);
			expect(b.doc.getText('body').toString()).toBe('blijft bewaard');
			b.destroy();
		} finally {
			await second.stop();
		}
	});

	it('loses no update a client saw echoed or acknowledged when the server is killed with SIGKILL', async () => {
		const name = `action:${database.seed.actionIds[1]}`;
		const child = await startChild();
		const a = connectClient(child, name, database.seed.editor.token);
		const b = connectClient(child, name, database.seed.editor2.token);
		await Promise.all([synced(a), synced(b)]);

		// Each edit pushes a unique item and remembers which update-bearing
		// message carried it, so a "saved" count tells which edits are committed.
		const sentAt = new Map<string, number>();
		let n = 0;
		let editing = true;
		const edit = (client: TestClient, who: string) => {
			if (!editing || !client.provider.wsconnected) return;
			const item = `${who}${n++}`;
			client.doc.getArray<string>('log').push([item]);
			sentAt.set(item, client.saved.sent);
		};
		const timer = setInterval(() => {
			for (let i = 0; i < 5; i++) {
				edit(a, 'a');
				edit(b, 'b');
			}
		}, 1);
		await new Promise((resolve) => setTimeout(resolve, 400));
		child.process.kill('SIGKILL');
		await child.exited;
		editing = false;
		clearInterval(timer);
		await new Promise((resolve) => setTimeout(resolve, 50));

		// What the clients know: their own acknowledged edits, and the other's edits they received.
		const promised = new Set<string>();
		for (const [client, own, other] of [
			[a, 'a', 'b'],
			[b, 'b', 'a']
		] as const) {
			for (const item of items(client)) {
				if (item.startsWith(other)) promised.add(item);
				else if (item.startsWith(own) && sentAt.get(item)! <= client.saved.acked) promised.add(item);
			}
		}
		// Disconnect before the restart, so nothing is re-sent from the clients' memory.
		a.destroy();
		b.destroy();
		expect([...promised].filter((i) => i.startsWith('a')).length).toBeGreaterThan(10);
		expect([...promised].filter((i) => i.startsWith('b')).length).toBeGreaterThan(10);

		const restarted = await startChild();
		try {
			const fresh = connectClient(restarted, name, database.seed.editor.token);
			await synced(fresh);
			const stored = new Set(items(fresh));
			const lost = [...promised].filter((item) => !stored.has(item));
			expect(lost).toEqual([]);
			fresh.destroy();
		} finally {
			restarted.process.kill('SIGTERM');
			await restarted.exited;
		}
	});
});

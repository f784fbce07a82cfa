import Sqlite from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/lib/server/db.ts';
import { BACKUP_NAME, backupDatabase } from './backup.ts';
import { collabStore, docFromStored } from './collab/store.ts';
import {
	allSaved,
	connectClient,
	createTestDatabase,
	startTestServer,
	synced,
	type TestClient,
	type TestDatabase
} from './collab/test-fixtures/harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs `npm run backup -- <dir>` as the host would: a separate process, its own connection. */
function runBackup(databasePath: string, dir: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'server/backup.ts', dir], {
			cwd: ROOT,
			env: { ...process.env, DATABASE_PATH: databasePath, ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
	});
}

let database: TestDatabase;
let dir: string;

beforeAll(async () => {
	database = await createTestDatabase();
	dir = mkdtempSync(join(tmpdir(), 'kring-backup-'));
});

afterAll(() => {
	database.remove();
	rmSync(dir, { recursive: true, force: true });
});

describe('npm run backup', () => {
	it('copies the database while clients edit: every edit acknowledged before the backup is in the copy, and a fresh start on the copy serves every document', async () => {
		const { seed } = database;
		const names = [`action:${seed.actionIds[0]}`, `action:${seed.actionIds[1]}`, `theme:${seed.themeId}`, `plan:${seed.planId}`];
		const server = await startTestServer(database.opened);
		const clients: TestClient[] = names.map((name, i) => connectClient(server, name, (i % 2 ? seed.editor2 : seed.editor).token));
		await Promise.all(clients.map((c) => synced(c)));

		// Each client pushes unique items; an item is acknowledged once the
		// server's "saved" count reaches the message that carried it.
		const sentAt = clients.map(() => new Map<string, number>());
		let n = 0;
		const timer = setInterval(() => {
			clients.forEach((client, i) => {
				for (let k = 0; k < 3; k++) {
					const item = `${i}-${n++}`;
					client.doc.getArray<string>('log').push([item]);
					client.doc.getText('body').insert(0, 'x');
					sentAt[i].set(item, client.saved.sent);
				}
			});
		}, 2);
		const acknowledged = () =>
			clients.map((client, i) => [...sentAt[i]].filter(([, at]) => at <= client.saved.acked).map(([item]) => item));

		let ackedBefore: string[][] = [];
		let during: Awaited<ReturnType<typeof runBackup>>;
		let editsDuring = 0;
		try {
			await new Promise((resolve) => setTimeout(resolve, 300));
			ackedBefore = acknowledged();
			const itemsBefore = n;
			during = await runBackup(database.path, dir);
			editsDuring = n - itemsBefore;
		} finally {
			clearInterval(timer);
		}
		expect(during.stderr).toBe('');
		expect(during.code).toBe(0);
		const copyPath = during.stdout.trim();
		expect(copyPath.startsWith(dir)).toBe(true);
		expect(BACKUP_NAME.test(copyPath.slice(dir.length + 1))).toBe(true);
		expect(ackedBefore.every((items) => items.length > 20)).toBe(true);
		// the clients kept editing while the backup ran
		expect(editsDuring).toBeGreaterThan(0);

		// everything settles; a second backup then holds every edit
		await Promise.all(clients.map((c) => allSaved(c, 10_000)));
		const expected = clients.map((c) => c.doc.getArray<string>('log').toArray());
		const after = await runBackup(database.path, dir);
		expect(after.code).toBe(0);
		for (const c of clients) c.destroy();
		await server.stop();

		// The copy made under load: integrity ok, every document loadable, every acknowledged edit there.
		const copy = new Sqlite(copyPath, { readonly: true });
		try {
			expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
			const rows = copy.prepare('SELECT name FROM collab_documents').all() as Array<{ name: string }>;
			expect(rows.map((r) => r.name).sort()).toEqual([...names].sort());
			names.forEach((name, i) => {
				const doc = docFromStored(collabStore(copy).read(name));
				const items = new Set(doc.getArray<string>('log').toArray());
				const missing = ackedBefore[i].filter((item) => !items.has(item));
				expect(missing).toEqual([]);
				doc.destroy();
			});
		} finally {
			copy.close();
		}

		// Restore the later copy as the documented procedure does (copy the file to DATABASE_PATH, start).
		const restoredPath = join(dir, 'restored', 'kring.db');
		openDatabase(restoredPath).sqlite.close();
		rmSync(restoredPath);
		copyFileSync(after.stdout.trim(), restoredPath);
		const restored = openDatabase(restoredPath);
		const again = await startTestServer(restored);
		try {
			for (const [i, name] of names.entries()) {
				const client = connectClient(again, name, seed.editor.token);
				await synced(client);
				expect(client.doc.getArray<string>('log').toArray()).toEqual(expected[i]);
				client.destroy();
			}
		} finally {
			await again.stop();
			restored.sqlite.close();
		}
	});

	it('keeps only the newest BACKUP_KEEP copies', async () => {
		const keepDir = join(dir, 'keep');
		const made: string[] = [];
		for (let i = 0; i < 4; i++) made.push(backupDatabase(database.path, keepDir, 2, new Date(Date.UTC(2026, 0, 1 + i))).path);
		expect(readdirSync(keepDir).sort()).toEqual(made.slice(2).map((p) => p.slice(keepDir.length + 1)));

		const viaCli = await runBackup(database.path, keepDir, { BACKUP_KEEP: '1' });
		expect(viaCli.code).toBe(0);
		expect(readdirSync(keepDir)).toEqual([viaCli.stdout.trim().slice(keepDir.length + 1)]);
	});

	it('fails with a message, and leaves nothing behind, for a missing database, a missing directory argument or a bad BACKUP_KEEP', async () => {
		const missing = await runBackup(join(dir, 'nope', 'kring.db'), join(dir, 'none'));
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/no database at .*nope/);
		expect(existsSync(join(dir, 'none'))).toBe(false);

		const usage = await runBackup(database.path, '');
		expect(usage.code).toBe(1);
		expect(usage.stderr).toMatch(/usage: npm run backup -- <directory>/);

		const keep = await runBackup(database.path, join(dir, 'bad-keep'), { BACKUP_KEEP: 'zero' });
		expect(keep.code).toBe(1);
		expect(keep.stderr).toMatch(/BACKUP_KEEP must be a whole number/);
	});
});

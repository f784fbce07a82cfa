import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, startKring } from './app.ts';
import { readConfig } from './config.ts';
import { explainStorageFailure, StartupError } from './startup-storage.ts';

/**
 * Real disks: a small tmpfs mounted read-only, and one filled to the last
 * byte. Mounting needs root (as on the CI machines); elsewhere these skip.
 */
const root = mkdtempSync(join(tmpdir(), 'kring-storage-'));
const mounts: string[] = [];

function mountTmpfs(name: string, size: string): string | null {
	const dir = join(root, name);
	mkdirSync(dir);
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
	} catch {
		return null;
	}
	mounts.push(dir);
	return dir;
}
const canMount = (() => {
	const dir = mountTmpfs('probe', '1m');
	return dir !== null;
})();

afterAll(() => {
	for (const dir of mounts.reverse()) execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
	rmSync(root, { recursive: true, force: true });
});

const quiet = createLogger('silent');
const start = (databasePath: string) => startKring(readConfig({ DATABASE_PATH: databasePath, DEMO_DATA: 'false' }), quiet);

async function startError(databasePath: string): Promise<StartupError> {
	const err = await start(databasePath).then(
		async (kring) => {
			await kring.close();
			return null;
		},
		(e: unknown) => e
	);
	expect(err).toBeInstanceOf(StartupError);
	return err as StartupError;
}

describe.skipIf(!canMount)('start-up on a disk Kring cannot use (tmpfs, needs root)', () => {
	it('a read-only disk: one sentence naming the path, and the database is untouched', async () => {
		const dir = mountTmpfs('readonly', '16m')!;
		const path = join(dir, 'kring.db');
		const first = await start(path);
		await first.database.db.insertInto('health_probe').values({ id: 7, at: 42 }).execute();
		await first.close();
		execFileSync('mount', ['-o', 'remount,ro', dir]);

		const err = await startError(path);
		expect(err.message).toContain('read-only');
		expect(err.message).toContain(path);

		execFileSync('mount', ['-o', 'remount,rw', dir]);
		const again = await start(path);
		const row = await again.database.db.selectFrom('health_probe').select('at').where('id', '=', 7).executeTakeFirst();
		await again.close();
		expect(row?.at).toBe(42);
	});

	it('a full disk: refused before anything is written, with the free space named', async () => {
		const dir = mountTmpfs('full', '4m')!;
		const filler = openSync(join(dir, 'filler'), 'w');
		const block = Buffer.alloc(64 * 1024, 1);
		try {
			for (;;) writeSync(filler, block);
		} catch (err) {
			expect((err as { code?: string }).code).toBe('ENOSPC');
		} finally {
			closeSync(filler);
		}
		const err = await startError(join(dir, 'kring.db'));
		expect(err.message).toMatch(/is full \(0\.0 MB free/);
	});
});

describe('start-up failures explained', () => {
	it('a DATABASE_PATH that names a folder', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'kring-folder-'));
		try {
			const err = await startError(folder);
			expect(err.message).toContain('names a file (not a folder)');
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('a folder Kring may not write to', () => {
		const message = explainStorageFailure(Object.assign(new Error('denied'), { code: 'EACCES' }), '/srv/kring/kring.db');
		expect(message).toContain('may not write to /srv/kring');
	});

	it('an error that is not about storage stays as it is', () => {
		expect(explainStorageFailure(new TypeError('bug'), '/srv/kring/kring.db')).toBeNull();
	});
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/lib/server/db.ts';
import { verifyPassword } from '../src/lib/server/password.ts';
import { findSetupToken } from '../src/lib/server/setup.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let databasePath: string;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'kring-cli-'));
	databasePath = join(dir, 'kring.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `npm run kring -- …` as an operator would, with `stdin` piped in. */
function kring(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
			cwd: ROOT,
			env: { ...process.env, DATABASE_PATH: databasePath, PORT: '4999', HOST: '127.0.0.1', ORIGIN: '' },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
		child.stdin.end(stdin);
	});
}

async function withDb<T>(fn: (db: ReturnType<typeof openDatabase>['db']) => Promise<T>): Promise<T> {
	const { db } = openDatabase(databasePath);
	try {
		return await fn(db);
	} finally {
		await db.destroy();
	}
}

const PASSWORD = 'een zin als wachtwoord voor de beheerder';

// each run starts Node with tsx: seconds on a busy machine
describe('npm run kring -- create-admin', { timeout: 120_000 }, () => {
	it('creates an instance admin on a fresh database with the password from stdin', async () => {
		const run = await kring(['create-admin', '--email', 'Beheer@Gemeente.nl', '--name', 'Bea Beheer'], `${PASSWORD}\nrest is ignored\n`);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('beheer@gemeente.nl');
		expect(run.stdout).not.toContain(PASSWORD);
		const user = await withDb((db) => db.selectFrom('users').selectAll().where('email', '=', 'beheer@gemeente.nl').executeTakeFirstOrThrow());
		expect(user).toMatchObject({ name: 'Bea Beheer', instance_admin: 1 });
		expect(await verifyPassword(user.password_hash, PASSWORD)).toBe(true);
		const audit = await withDb((db) => db.selectFrom('audit_log').selectAll().where('action', '=', 'setup.admin_created').execute());
		expect(audit).toHaveLength(1);
		expect(JSON.parse(audit[0].detail!)).toEqual({ via: 'cli' });
	});

	it('refuses an address that already has an account (exit 1, nothing changed)', async () => {
		const run = await kring(['create-admin', '--email', 'beheer@gemeente.nl', '--name', 'Nog een'], `${PASSWORD}\n`);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('beheer@gemeente.nl');
		const users = await withDb((db) => db.selectFrom('users').select('name').execute());
		expect(users).toEqual([{ name: 'Bea Beheer' }]);
	});

	it('refuses a weak password with the Dutch reason (exit 1, no account)', async () => {
		const short = await kring(['create-admin', '--email', 'kort@gemeente.nl', '--name', 'Kort'], 'kort\n');
		expect(short.code).toBe(1);
		expect(short.stderr).toContain('minstens 8 tekens');
		const same = await kring(['create-admin', '--email', 'gelijk@gemeente.nl', '--name', 'Gelijk'], 'gelijk@gemeente.nl\n');
		expect(same.code).toBe(1);
		expect(await withDb((db) => db.selectFrom('users').select('email').where('email', 'in', ['kort@gemeente.nl', 'gelijk@gemeente.nl']).execute())).toEqual([]);
	});

	it('refuses a missing or malformed e-mail address and name, and an unknown command', async () => {
		for (const args of [
			['create-admin', '--name', 'Zonder adres'],
			['create-admin', '--email', 'geen-adres', '--name', 'X'],
			['create-admin', '--email', 'a@gemeente.nl', '--name', 'x'.repeat(500)],
			['create-admin', '--email', 'a@gemeente.nl', '--name', 'X', '--onbekend']
		]) {
			const run = await kring(args, `${PASSWORD}\n`);
			expect(run.code, args.join(' ')).toBe(1);
			expect(run.stderr.length, args.join(' ')).toBeGreaterThan(0);
		}
		expect(await withDb((db) => db.selectFrom('users').select('email').execute())).toHaveLength(1);
	});

	it('prints a one-time setup link bound to the address with --invite, and on an empty stdin', async () => {
		for (const [args, stdin] of [
			[['create-admin', '--email', 'tweede@gemeente.nl', '--name', 'Tweede', '--invite'], `${PASSWORD}\n`],
			[['create-admin', '--email', 'derde@gemeente.nl', '--name', 'Derde'], '']
		] as const) {
			const run = await kring([...args], stdin);
			expect(run.code).toBe(0);
			const link = run.stdout.match(/http:\/\/127\.0\.0\.1:4999\/installatie\/([a-z2-7]{32})/);
			expect(link, run.stdout).not.toBeNull();
			const email = args[2];
			expect(await withDb((db) => findSetupToken(db, link![1]))).toEqual({ email });
		}
		expect(await withDb((db) => db.selectFrom('users').select('email').execute())).toHaveLength(1);
	});
});

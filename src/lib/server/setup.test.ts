import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from './password.ts';
import { sessionIdFromToken } from './session.ts';
import {
	createAdminInvitation,
	createInstanceAdmin,
	findSetupToken,
	INVITE_VALID_MS,
	prepareFirstStart,
	SETUP_TOKEN_PATTERN,
	setupBaseUrl,
	setupUrl
} from './setup.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
beforeEach(async () => {
	t = await createTestDatabase();
});
afterEach(async () => t.close());

const PASSWORD = 'lange-zin-voor-de-eerste-beheerder';

async function counts() {
	const users = await t.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	const audit = await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	return { users: Number(users.n), audit: Number(audit.n) };
}

describe('the first-start link', () => {
	it('is made on an empty database: 160 random bits, only its SHA-256 stored', async () => {
		const token = (await prepareFirstStart(t.db))!;
		expect(token).toMatch(SETUP_TOKEN_PATTERN);
		const rows = await t.db.selectFrom('setup_tokens').selectAll().execute();
		expect(rows).toHaveLength(1);
		expect(rows[0].token_hash).toBe(sessionIdFromToken(token));
		expect(JSON.stringify(rows)).not.toContain(token);
		expect(await findSetupToken(t.db, token)).toEqual({ email: null });
	});

	it('is replaced by a new start while nobody has an account: only the newest works', async () => {
		const first = (await prepareFirstStart(t.db))!;
		const second = (await prepareFirstStart(t.db))!;
		expect(second).not.toBe(first);
		expect(await findSetupToken(t.db, first)).toBeNull();
		expect(await findSetupToken(t.db, second)).not.toBeNull();
	});

	it('creates an instance admin once; the second use is refused and changes nothing', async () => {
		const token = (await prepareFirstStart(t.db))!;
		const result = await createInstanceAdmin(t.db, { token, name: ' Eerste Beheerder ', email: 'Eerste@Gemeente.nl', password: PASSWORD, origin: '127.0.0.1' });
		expect(result.ok).toBe(true);
		const user = await t.db.selectFrom('users').selectAll().where('email', '=', 'eerste@gemeente.nl').executeTakeFirstOrThrow();
		expect(user).toMatchObject({ name: 'Eerste Beheerder', instance_admin: 1 });
		expect(await verifyPassword(user.password_hash, PASSWORD)).toBe(true);
		const audit = await t.db.selectFrom('audit_log').selectAll().execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ action: 'setup.admin_created', actor_id: user.id, object_id: user.id, result: 'success', origin: '127.0.0.1' });
		expect(JSON.parse(audit[0].detail!)).toEqual({ via: 'link' });
		expect(JSON.stringify(audit)).not.toContain(PASSWORD);
		expect(JSON.stringify(audit)).not.toContain(token);

		expect(await findSetupToken(t.db, token)).toBeNull();
		const before = await counts();
		const again = await createInstanceAdmin(t.db, { token, name: 'Tweede', email: 'tweede@gemeente.nl', password: PASSWORD });
		expect(again).toEqual({ ok: false, reason: 'token' });
		expect(await counts()).toEqual(before);
	});

	it('is not made once any account exists, and an older one stops working', async () => {
		const token = (await prepareFirstStart(t.db))!;
		expect((await createInstanceAdmin(t.db, { name: 'Via de CLI', email: 'cli@gemeente.nl', password: PASSWORD })).ok).toBe(true);
		expect(await findSetupToken(t.db, token)).toBeNull();
		const before = await counts();
		expect(await createInstanceAdmin(t.db, { token, name: 'Te laat', email: 'laat@gemeente.nl', password: PASSWORD })).toEqual({ ok: false, reason: 'token' });
		expect(await counts()).toEqual(before);
		expect(await prepareFirstStart(t.db)).toBeNull();
		expect(await t.db.selectFrom('setup_tokens').selectAll().execute()).toHaveLength(0);
	});

	it('opens nothing for malformed or unknown tokens', async () => {
		await prepareFirstStart(t.db);
		for (const token of ['', 'abc', 'A'.repeat(32), "' or 1=1 --", 'a'.repeat(32), 'a'.repeat(33)]) {
			expect(await findSetupToken(t.db, token)).toBeNull();
			expect(await createInstanceAdmin(t.db, { token, name: 'X', email: 'x@gemeente.nl', password: PASSWORD })).toEqual({ ok: false, reason: 'token' });
		}
		expect((await counts()).users).toBe(0);
	});

	it('refuses bad input without spending the token', async () => {
		const token = (await prepareFirstStart(t.db))!;
		const cases = [
			[{ name: '', email: 'a@gemeente.nl', password: PASSWORD }, { ok: false, reason: 'name' }],
			[{ name: '   ', email: 'a@gemeente.nl', password: PASSWORD }, { ok: false, reason: 'name' }],
			[{ name: 'x'.repeat(500), email: 'a@gemeente.nl', password: PASSWORD }, { ok: false, reason: 'name' }],
			[{ name: 'Anna', email: 'a@gemeente.nl', password: 'kort' }, { ok: false, reason: 'password', problem: 'too_short' }],
			[{ name: 'Anna', email: 'anna.de.vries@gemeente.nl', password: 'anna.de.vries@gemeente.nl' }, { ok: false, reason: 'password', problem: 'same_as_email' }],
			[{ name: 'Anna', email: 'a@gemeente.nl', password: 'x'.repeat(200) }, { ok: false, reason: 'password', problem: 'too_long' }]
		] as const;
		for (const [input, expected] of cases) expect(await createInstanceAdmin(t.db, { token, ...input })).toEqual(expected);
		expect(await counts()).toEqual({ users: 0, audit: 0 });
		expect(await findSetupToken(t.db, token)).not.toBeNull();
	});
});

describe('an invitation link from the CLI', () => {
	it('is bound to its address, works while other accounts exist, and only once', async () => {
		await createInstanceAdmin(t.db, { name: 'Eerste', email: 'eerste@gemeente.nl', password: PASSWORD });
		const { token, expiresAt } = await createAdminInvitation(t.db, ' Tweede@Gemeente.nl ');
		expect(expiresAt).toBeGreaterThan(Date.now() + INVITE_VALID_MS - 60_000);
		expect(await findSetupToken(t.db, token)).toEqual({ email: 'tweede@gemeente.nl' });
		const before = await counts();
		expect(await createInstanceAdmin(t.db, { token, name: 'Ander', email: 'ander@gemeente.nl', password: PASSWORD })).toEqual({ ok: false, reason: 'email_mismatch' });
		expect(await counts()).toEqual(before);
		expect((await createInstanceAdmin(t.db, { token, name: 'Tweede', email: 'tweede@gemeente.nl', password: PASSWORD })).ok).toBe(true);
		expect(await createInstanceAdmin(t.db, { token, name: 'Tweede', email: 'tweede@gemeente.nl', password: PASSWORD })).toEqual({ ok: false, reason: 'token' });
	});

	it('expires', async () => {
		const now = Date.now();
		const { token } = await createAdminInvitation(t.db, 'laat@gemeente.nl', now);
		expect(await findSetupToken(t.db, token, now + INVITE_VALID_MS + 1)).toBeNull();
		expect(await createInstanceAdmin(t.db, { token, name: 'Laat', email: 'laat@gemeente.nl', password: PASSWORD, now: now + INVITE_VALID_MS + 1 })).toEqual({
			ok: false,
			reason: 'token'
		});
	});

	it('refuses an address that already has an account, and keeps the token', async () => {
		await createInstanceAdmin(t.db, { name: 'Eerste', email: 'eerste@gemeente.nl', password: PASSWORD });
		const { token } = await createAdminInvitation(t.db, 'eerste@gemeente.nl');
		const before = await counts();
		expect(await createInstanceAdmin(t.db, { token, name: 'Nog eens', email: 'eerste@gemeente.nl', password: PASSWORD })).toEqual({ ok: false, reason: 'email_taken' });
		expect(await counts()).toEqual(before);
		expect(await findSetupToken(t.db, token)).not.toBeNull();
	});
});

describe('creating an admin without a link (the CLI)', () => {
	it('writes the audit row with via: cli', async () => {
		const result = await createInstanceAdmin(t.db, { name: 'Script', email: 'script@gemeente.nl', password: PASSWORD });
		expect(result.ok).toBe(true);
		const row = await t.db.selectFrom('audit_log').selectAll().executeTakeFirstOrThrow();
		expect(row.action).toBe('setup.admin_created');
		expect(JSON.parse(row.detail!)).toEqual({ via: 'cli' });
	});
});

describe('setup links', () => {
	it('use ORIGIN when set, else the host and port (localhost for all interfaces)', () => {
		expect(setupUrl(setupBaseUrl({ origin: 'https://kring.gemeente.nl', host: '0.0.0.0', port: 3000 }), 'abc')).toBe('https://kring.gemeente.nl/installatie/abc');
		expect(setupBaseUrl({ origin: null, host: '0.0.0.0', port: 3000 })).toBe('http://localhost:3000');
		expect(setupBaseUrl({ origin: null, host: '127.0.0.1', port: 4301 })).toBe('http://127.0.0.1:4301');
		expect(setupBaseUrl({ origin: null, host: '::1', port: 80 })).toBe('http://[::1]:80');
	});
});

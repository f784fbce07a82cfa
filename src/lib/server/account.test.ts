import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret, LINK_TTL_MS } from './account-token.ts';
import {
	changePassword,
	checkEmailChangeLink,
	confirmEmailChange,
	describeUserAgent,
	listSessions,
	recordSessionDevice,
	requestEmailChange,
	revokeSession,
	sessionHandle
} from './account.ts';
import { verifyPassword } from './password.ts';
import { createSession, generateSessionToken, validateSessionToken } from './session.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { createUser, getPasswordHash } from './user.ts';

const policy = { idleTimeoutMs: 3_600_000, absoluteTimeoutMs: 86_400_000 };
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';
let t: TestDatabase;
let anna: { id: string; name: string };

beforeEach(async () => {
	t = await createTestDatabase();
	const user = await createUser(t.db, { email: 'anna@example.nl', name: 'Anna', password: 'oud-wachtwoord-1' });
	anna = { id: user.id, name: user.name };
});
afterEach(async () => t.close());

describe('e-mail change', () => {
	it('changes the address only after the link to the new address is followed, once', async () => {
		const request = await requestEmailChange(t.db, { actor: anna, newEmail: ' Anna.Nieuw@Example.nl ', origin: null });
		if (!request.ok) throw new Error(request.problem);
		expect(request.to).toBe('anna.nieuw@example.nl');
		expect(await t.db.selectFrom('account_tokens').select('id').execute()).toEqual([{ id: hashSecret(request.token) }]);
		expect((await t.db.selectFrom('users').select('email').where('id', '=', anna.id).executeTakeFirstOrThrow()).email).toBe('anna@example.nl');
		expect(await checkEmailChangeLink(t.db, request.token)).toEqual({ ok: true, newEmail: 'anna.nieuw@example.nl', name: 'Anna' });
		expect(await confirmEmailChange(t.db, { token: request.token, origin: null })).toMatchObject({
			ok: true,
			oldEmail: 'anna@example.nl',
			newEmail: 'anna.nieuw@example.nl'
		});
		expect((await t.db.selectFrom('users').select('email').where('id', '=', anna.id).executeTakeFirstOrThrow()).email).toBe('anna.nieuw@example.nl');
		expect(await confirmEmailChange(t.db, { token: request.token, origin: null })).toEqual({ ok: false, problem: 'used' });
		const actions = (await t.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);
		expect(actions).toEqual(['email.change_requested', 'email.changed']);
	});

	it('refuses an address in use and the own address', async () => {
		await createUser(t.db, { email: 'bert@example.nl', name: 'Bert', password: null });
		expect(await requestEmailChange(t.db, { actor: anna, newEmail: 'BERT@example.nl', origin: null })).toEqual({ ok: false, problem: 'taken' });
		expect(await requestEmailChange(t.db, { actor: anna, newEmail: 'anna@example.nl', origin: null })).toEqual({ ok: false, problem: 'same' });
	});

	it('refuses when the address was taken after the request, and after an hour', async () => {
		const now = Date.now();
		const first = await requestEmailChange(t.db, { actor: anna, newEmail: 'later@example.nl', origin: null, now });
		if (!first.ok) throw new Error(first.problem);
		await createUser(t.db, { email: 'later@example.nl', name: 'Later', password: null });
		expect(await confirmEmailChange(t.db, { token: first.token, origin: null, now })).toEqual({ ok: false, problem: 'taken' });
		const second = await requestEmailChange(t.db, { actor: anna, newEmail: 'weer@example.nl', origin: null, now });
		if (!second.ok) throw new Error(second.problem);
		expect(await confirmEmailChange(t.db, { token: second.token, origin: null, now: now + LINK_TTL_MS })).toEqual({ ok: false, problem: 'expired' });
	});
});

describe('password change', () => {
	it('sets the password, ends the other sessions and writes the audit row', async () => {
		const keep = await createSession(t.db, generateSessionToken(), anna.id, policy);
		await createSession(t.db, generateSessionToken(), anna.id, policy);
		await changePassword(t.db, { actor: anna, password: 'nieuw-wachtwoord-2', keepSessionId: keep.id, origin: '10.0.0.1' });
		expect(await verifyPassword(await getPasswordHash(t.db, anna.id), 'nieuw-wachtwoord-2')).toBe(true);
		expect(await t.db.selectFrom('sessions').select('id').execute()).toEqual([{ id: keep.id }]);
		expect(await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'origin']).execute()).toEqual([
			{ action: 'password.changed', actor_id: anna.id, origin: '10.0.0.1' }
		]);
	});
});

describe('sessions list', () => {
	it('lists one’s own sessions with device and marks the current one; revokes by handle only one’s own', async () => {
		const tokenA = generateSessionToken();
		const a = await createSession(t.db, tokenA, anna.id, policy);
		const b = await createSession(t.db, generateSessionToken(), anna.id, policy);
		await recordSessionDevice(t.db, a.id, FIREFOX);
		await recordSessionDevice(t.db, b.id, CHROME_ANDROID);
		const bert = await createUser(t.db, { email: 'bert@example.nl', name: 'Bert', password: null });
		const c = await createSession(t.db, generateSessionToken(), bert.id, policy);

		const list = await listSessions(t.db, { userId: anna.id, currentSessionId: a.id });
		expect(list.map((s) => [s.current, s.device])).toEqual([
			[true, { browser: 'Firefox', system: 'Windows' }],
			[false, { browser: 'Chrome', system: 'Android' }]
		]);
		expect(JSON.stringify(list)).not.toContain(a.id);

		expect(await revokeSession(t.db, { actor: anna, handle: sessionHandle(c.id), currentSessionId: a.id, origin: null })).toEqual({
			ok: false,
			problem: 'not_found'
		});
		expect(await revokeSession(t.db, { actor: anna, handle: sessionHandle(b.id), currentSessionId: a.id, origin: null })).toEqual({
			ok: true,
			current: false
		});
		expect((await listSessions(t.db, { userId: anna.id, currentSessionId: a.id })).map((s) => s.handle)).toEqual([sessionHandle(a.id)]);
		expect((await validateSessionToken(t.db, tokenA, policy)).session?.id).toBe(a.id);
		expect(await t.db.selectFrom('audit_log').select('action').execute()).toEqual([{ action: 'session.revoked' }]);
	});

	it('records the last use at most once a minute', async () => {
		const token = generateSessionToken();
		const now = Date.now();
		const s = await createSession(t.db, token, anna.id, policy, now);
		await validateSessionToken(t.db, token, policy, now + 1000);
		const first = await t.db.selectFrom('sessions').select('last_used_at').where('id', '=', s.id).executeTakeFirstOrThrow();
		expect(first.last_used_at).toBe(now + 1000);
		await validateSessionToken(t.db, token, policy, now + 30_000);
		expect((await t.db.selectFrom('sessions').select('last_used_at').where('id', '=', s.id).executeTakeFirstOrThrow()).last_used_at).toBe(now + 1000);
		await validateSessionToken(t.db, token, policy, now + 62_000);
		expect((await t.db.selectFrom('sessions').select('last_used_at').where('id', '=', s.id).executeTakeFirstOrThrow()).last_used_at).toBe(now + 62_000);
	});

	it('names common browsers and systems', () => {
		expect(describeUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1')).toEqual({
			browser: 'Safari',
			system: 'iOS'
		});
		expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0')).toEqual({
			browser: 'Edge',
			system: 'Windows'
		});
		expect(describeUserAgent(null)).toEqual({ browser: null, system: null });
	});
});

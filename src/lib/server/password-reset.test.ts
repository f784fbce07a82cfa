import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret, LINK_TTL_MS } from './account-token.ts';
import { verifyPassword } from './password.ts';
import { checkPasswordResetLink, requestPasswordReset, resetPassword, RESET_THROTTLE } from './password-reset.ts';
import { createSession, generateSessionToken } from './session.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { createUser, getPasswordHash } from './user.ts';

const policy = { idleTimeoutMs: 3_600_000, absoluteTimeoutMs: 86_400_000 };
let t: TestDatabase;
let userId: string;

beforeEach(async () => {
	t = await createTestDatabase();
	userId = (await createUser(t.db, { email: 'anna@example.nl', name: 'Anna', password: 'oud-wachtwoord-1' })).id;
});
afterEach(async () => t.close());

async function link(email = 'anna@example.nl', origin = '10.0.0.1', now = Date.now()) {
	const result = await requestPasswordReset(t.db, { email, origin, now });
	if (result.throttled || !result.link) throw new Error('expected a link');
	return result.link;
}

describe('password reset', () => {
	it('stores only the SHA-256 of the token', async () => {
		const { token } = await link();
		const rows = await t.db.selectFrom('account_tokens').select(['id', 'kind']).execute();
		expect(rows).toEqual([{ id: hashSecret(token), kind: 'password_reset' }]);
		expect(JSON.stringify(rows)).not.toContain(token);
		expect(token.length * 5).toBeGreaterThanOrEqual(160);
	});

	it('gives no link for an unknown address, and the caller answers alike', async () => {
		const result = await requestPasswordReset(t.db, { email: 'niemand@example.nl', origin: '10.0.0.1' });
		expect(result).toEqual({ throttled: false, link: null });
		expect(await t.db.selectFrom('account_tokens').selectAll().execute()).toEqual([]);
		const audit = await t.db.selectFrom('audit_log').select(['action', 'result', 'object_label']).execute();
		expect(audit).toEqual([{ action: 'password.reset_requested', result: 'failure', object_label: null }]);
	});

	it('gives no link to an account without a password or a deactivated one', async () => {
		await createUser(t.db, { email: 'zonder@example.nl', name: 'Zonder', password: null });
		expect(await requestPasswordReset(t.db, { email: 'zonder@example.nl', origin: 'x' })).toEqual({ throttled: false, link: null });
		await t.db.updateTable('users').set({ deactivated_at: Date.now() }).where('id', '=', userId).execute();
		expect(await requestPasswordReset(t.db, { email: 'anna@example.nl', origin: 'x' })).toEqual({ throttled: false, link: null });
	});

	it('sets the new password, ends all sessions, and works only once', async () => {
		const { token } = await link();
		await createSession(t.db, generateSessionToken(), userId, policy);
		await createSession(t.db, generateSessionToken(), userId, policy);
		const done = await resetPassword(t.db, { token, password: 'nieuw-wachtwoord-2', origin: '10.0.0.1' });
		expect(done).toMatchObject({ ok: true, userId });
		expect(await verifyPassword(await getPasswordHash(t.db, userId), 'nieuw-wachtwoord-2')).toBe(true);
		expect(await t.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute()).toEqual([]);
		expect(await resetPassword(t.db, { token, password: 'derde-wachtwoord-3', origin: null })).toEqual({ ok: false, problem: 'used' });
		expect(await verifyPassword(await getPasswordHash(t.db, userId), 'nieuw-wachtwoord-2')).toBe(true);
		const actions = (await t.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);
		expect(actions).toEqual(['password.reset_requested', 'password.reset']);
	});

	it('refuses a link after an hour', async () => {
		const now = Date.now();
		const { token } = await link(undefined, undefined, now);
		expect((await checkPasswordResetLink(t.db, token, now + LINK_TTL_MS - 1000)).ok).toBe(true);
		expect(await checkPasswordResetLink(t.db, token, now + LINK_TTL_MS)).toEqual({ ok: false, problem: 'expired' });
		expect(await resetPassword(t.db, { token, password: 'nieuw-wachtwoord-2', origin: null, now: now + LINK_TTL_MS + 1 })).toEqual({
			ok: false,
			problem: 'expired'
		});
	});

	it('voids an older link when a newer one is sent', async () => {
		const first = await link();
		const second = await link();
		expect(await checkPasswordResetLink(t.db, first.token)).toEqual({ ok: false, problem: 'used' });
		expect((await checkPasswordResetLink(t.db, second.token)).ok).toBe(true);
	});

	it('refuses made-up and malformed tokens', async () => {
		expect(await checkPasswordResetLink(t.db, 'a'.repeat(32))).toEqual({ ok: false, problem: 'unknown' });
		expect(await checkPasswordResetLink(t.db, "'; drop table users; --")).toEqual({ ok: false, problem: 'unknown' });
	});

	it('throttles per address, whether or not it has an account', async () => {
		const now = Date.now();
		for (const email of ['anna@example.nl', 'niemand@example.nl']) {
			for (let i = 0; i < RESET_THROTTLE.email.maxChecksPerHour; i++) {
				expect((await requestPasswordReset(t.db, { email, origin: `10.0.1.${i}`, now })).throttled).toBe(false);
			}
			const refused = await requestPasswordReset(t.db, { email: email.toUpperCase(), origin: '10.0.2.1', now });
			expect(refused.throttled).toBe(true);
		}
		// an hour later it works again
		expect((await requestPasswordReset(t.db, { email: 'anna@example.nl', origin: '10.0.3.1', now: now + 3_600_000 })).throttled).toBe(false);
	});

	it('throttles per client address across many e-mail addresses', async () => {
		const now = Date.now();
		for (let i = 0; i < RESET_THROTTLE.address.maxChecksPerHour; i++) {
			expect((await requestPasswordReset(t.db, { email: `p${i}@example.nl`, origin: '10.9.9.9', now })).throttled).toBe(false);
		}
		expect((await requestPasswordReset(t.db, { email: 'anna@example.nl', origin: '10.9.9.9', now })).throttled).toBe(true);
		expect((await requestPasswordReset(t.db, { email: 'anna@example.nl', origin: '10.9.9.8', now })).throttled).toBe(false);
	});
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateTOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { hashSecret } from './account-token.ts';
import {
	beginSecondStep,
	confirmEnrolment,
	disableMfa,
	getMfaStatus,
	isMfaRequired,
	matchTotpStep,
	normalizeRecoveryCode,
	readPendingLogin,
	regenerateRecoveryCodes,
	resetMfa,
	setRegionMfaRequired,
	startEnrolment,
	totpCode,
	totpUri,
	verifySecondFactor,
	PENDING_LOGIN_TTL_MS
} from './mfa.ts';
import { createSession, generateSessionToken } from './session.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import type { ThrottlePolicy } from './throttle.ts';
import { createUser } from './user.ts';

const throttle: ThrottlePolicy = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000, maxChecksPerHour: 100 };
const STEP = 30_000;
let t: TestDatabase;
let anna: { id: string; name: string };

beforeEach(async () => {
	t = await createTestDatabase();
	const user = await createUser(t.db, { email: 'anna@example.nl', name: 'Anna', password: 'oud-wachtwoord-1' });
	anna = { id: user.id, name: user.name };
});
afterEach(async () => t.close());

/** MFA on for Anna at `now`; returns the key and the recovery codes. */
async function enrol(now = Date.now()) {
	const started = await startEnrolment(t.db, anna.id, now);
	if (!started) throw new Error('already enrolled');
	const result = await confirmEnrolment(t.db, { actor: anna, code: totpCode(started.secret, now), throttle, origin: null, now });
	if (!result.ok) throw new Error(`enrolment failed: ${result.problem}`);
	return { secret: started.secret, codes: result.recoveryCodes, now };
}

describe('TOTP', () => {
	it('computes the same codes as @oslojs/otp and authenticator apps (RFC 6238 test key)', () => {
		// RFC 6238 appendix B, SHA-1: T = 59 s → 94287082 (8 digits); the 6-digit code is its last six digits.
		const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890"
		expect(totpCode(secret, 59_000)).toBe('287082');
		expect(totpCode(secret, 1_111_111_109_000)).toBe('081804');
		expect(totpCode(secret, Date.now())).toBe(generateTOTP(decodeBase32IgnorePadding(secret), 30, 6));
	});

	it('accepts one step either side for clock drift, and nothing further', () => {
		const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
		const now = 1_700_000_000_000;
		const step = Math.floor(now / STEP);
		expect(matchTotpStep(secret, totpCode(secret, now), now)).toBe(step);
		expect(matchTotpStep(secret, totpCode(secret, now - STEP), now)).toBe(step - 1);
		expect(matchTotpStep(secret, totpCode(secret, now + STEP), now)).toBe(step + 1);
		expect(matchTotpStep(secret, totpCode(secret, now - 2 * STEP), now)).toBeNull();
		expect(matchTotpStep(secret, totpCode(secret, now + 2 * STEP), now)).toBeNull();
		expect(matchTotpStep(secret, 'abcdef', now)).toBeNull();
	});

	it('puts the key in an otpauth URI for the QR code', () => {
		expect(totpUri('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 'anna@example.nl')).toMatch(
			/^otpauth:\/\/totp\/Kring:anna%40example\.nl\?.*secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ/
		);
	});
});

describe('enrolment', () => {
	it('is not on until the first code confirms it, and then gives ten recovery codes stored hashed', async () => {
		const started = await startEnrolment(t.db, anna.id);
		expect(started?.secret).toMatch(/^[A-Z2-7]{32}$/);
		expect((await getMfaStatus(t.db, anna.id)).enabled).toBe(false);
		expect(await startEnrolment(t.db, anna.id)).toEqual(started); // a reload shows the same key
		const wrong = await confirmEnrolment(t.db, { actor: anna, code: '000000', throttle, origin: null });
		expect(wrong).toEqual({ ok: false, problem: 'wrong_code' });
		const { codes } = await enrol();
		expect(codes).toHaveLength(10);
		expect(new Set(codes).size).toBe(10);
		const stored = await t.db.selectFrom('mfa_recovery_codes').select('code_hash').execute();
		expect(stored.map((r) => r.code_hash).sort()).toEqual(codes.map((c) => hashSecret(normalizeRecoveryCode(c))).sort());
		expect(JSON.stringify(stored)).not.toContain(normalizeRecoveryCode(codes[0]));
		expect(await getMfaStatus(t.db, anna.id)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
		expect(await startEnrolment(t.db, anna.id)).toBeNull();
		const actions = (await t.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);
		expect(actions).toEqual(['mfa.failed', 'mfa.enabled']);
	});
});

describe('second factor', () => {
	it('accepts a TOTP code once: the same code is not accepted again', async () => {
		const { secret, now } = await enrol();
		const later = now + 2 * STEP;
		const code = totpCode(secret, later);
		expect(await verifySecondFactor(t.db, { actor: anna, code, throttle, origin: null, now: later })).toEqual({ ok: true, method: 'totp' });
		expect(await verifySecondFactor(t.db, { actor: anna, code, throttle, origin: null, now: later })).toEqual({ ok: false, problem: 'wrong_code' });
		// and not an older one within the window
		expect(
			await verifySecondFactor(t.db, { actor: anna, code: totpCode(secret, later - STEP), throttle, origin: null, now: later })
		).toEqual({ ok: false, problem: 'wrong_code' });
	});

	it('accepts a recovery code once, with or without dashes and capitals', async () => {
		const { codes } = await enrol();
		const typed = codes[3].toUpperCase().replaceAll('-', ' ');
		expect(await verifySecondFactor(t.db, { actor: anna, code: typed, throttle, origin: null })).toEqual({ ok: true, method: 'recovery' });
		expect(await verifySecondFactor(t.db, { actor: anna, code: codes[3], throttle, origin: null })).toEqual({ ok: false, problem: 'wrong_code' });
		expect((await getMfaStatus(t.db, anna.id)).recoveryCodesLeft).toBe(9);
		const used = await t.db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'mfa.recovery_code_used').execute();
		expect(used).toEqual([{ action: 'mfa.recovery_code_used', detail: JSON.stringify({ left: 9 }) }]);
	});

	it('regenerating recovery codes voids the old ones', async () => {
		const { codes } = await enrol();
		const fresh = await regenerateRecoveryCodes(t.db, { actor: anna, origin: null });
		expect(fresh).toHaveLength(10);
		expect(await verifySecondFactor(t.db, { actor: anna, code: codes[0], throttle, origin: null })).toEqual({ ok: false, problem: 'wrong_code' });
		expect(await verifySecondFactor(t.db, { actor: anna, code: fresh![0], throttle, origin: null })).toEqual({ ok: true, method: 'recovery' });
	});

	it('is throttled per account after repeated wrong codes, even for the right code', async () => {
		const { secret, now } = await enrol();
		for (let i = 0; i < throttle.freeFailures; i++) {
			expect(await verifySecondFactor(t.db, { actor: anna, code: '000000', throttle, origin: null, now })).toMatchObject({ ok: false });
		}
		// locked for baseDelayMs after the free failures: the right code half a second later is not even checked
		const refused = await verifySecondFactor(t.db, { actor: anna, code: totpCode(secret, now + STEP), throttle, origin: null, now: now + 500 });
		expect(refused).toMatchObject({ ok: false, problem: 'throttled' });
		const failures = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'mfa.failed').execute();
		expect(failures).toHaveLength(throttle.freeFailures);
		const row = await t.db.selectFrom('login_throttle').select('key').where('key', '=', `mfa:${anna.id}`).executeTakeFirst();
		expect(row).toBeDefined();
	});

	it('turning MFA off needs a valid code', async () => {
		const { secret, now } = await enrol();
		expect(await disableMfa(t.db, { actor: anna, code: '123456', throttle, origin: null, now: now + STEP })).toMatchObject({ ok: false, problem: 'wrong_code' });
		expect(await disableMfa(t.db, { actor: anna, code: totpCode(secret, now + STEP), throttle, origin: null, now: now + STEP })).toEqual({ ok: true });
		expect(await getMfaStatus(t.db, anna.id)).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
		expect(await t.db.selectFrom('mfa_recovery_codes').selectAll().execute()).toEqual([]);
	});
});

async function region(slug: string) {
	const id = `r-${slug}`;
	await t.db.insertInto('regions').values({ id, slug, name: `Regio ${slug}`, centrum_municipality_id: null }).execute();
	return id;
}

describe('region requirement and admin reset', () => {
	it('only a region admin with MFA turns it on; it signs out admins and editors without MFA', async () => {
		const regionId = await region('oost');
		const bert = await createUser(t.db, { email: 'bert@example.nl', name: 'Bert', password: 'x-wachtwoord-1' });
		const lezer = await createUser(t.db, { email: 'lezer@example.nl', name: 'Lees', password: 'x-wachtwoord-1' });
		await t.db
			.insertInto('region_memberships')
			.values([
				{ user_id: anna.id, region_id: regionId, role: 'admin' },
				{ user_id: bert.id, region_id: regionId, role: 'editor' },
				{ user_id: lezer.id, region_id: regionId, role: 'viewer' }
			])
			.execute();
		const policy = { idleTimeoutMs: 3_600_000, absoluteTimeoutMs: 86_400_000 };
		await createSession(t.db, generateSessionToken(), bert.id, policy);
		await createSession(t.db, generateSessionToken(), lezer.id, policy);

		expect(await setRegionMfaRequired(t.db, { actor: { id: bert.id, name: 'Bert' }, regionId, required: true, origin: null })).toEqual({
			ok: false,
			problem: 'forbidden'
		});
		expect(await setRegionMfaRequired(t.db, { actor: anna, regionId, required: true, origin: null })).toEqual({ ok: false, problem: 'own_mfa_missing' });
		await enrol();
		const done = await setRegionMfaRequired(t.db, { actor: anna, regionId, required: true, origin: null });
		expect(done).toEqual({ ok: true, signedOut: [bert.id] });
		expect(await t.db.selectFrom('sessions').select('user_id').execute()).toEqual([{ user_id: lezer.id }]);
		expect(await isMfaRequired(t.db, bert.id)).toBe(true);
		expect(await isMfaRequired(t.db, lezer.id)).toBe(false);
		expect((await beginSecondStep(t.db, { userId: bert.id, redirectTo: '/' }))?.step).toBe('enrol');
		expect(await beginSecondStep(t.db, { userId: lezer.id, redirectTo: '/' })).toBeNull();
		// a required MFA cannot be turned off
		expect(await disableMfa(t.db, { actor: anna, code: '000000', throttle, origin: null })).toEqual({ ok: false, problem: 'required' });
	});

	it('only the instance admin resets someone else’s MFA', async () => {
		await enrol();
		const boss = await createUser(t.db, { email: 'boss@example.nl', name: 'Boss', password: 'x-wachtwoord-1' });
		expect(await resetMfa(t.db, { actorId: boss.id, userId: anna.id, origin: null })).toEqual({ ok: false, problem: 'forbidden' });
		expect((await getMfaStatus(t.db, anna.id)).enabled).toBe(true);
		await t.db.updateTable('users').set({ instance_admin: 1 }).where('id', '=', boss.id).execute();
		expect(await resetMfa(t.db, { actorId: boss.id, userId: anna.id, origin: '10.0.0.1' })).toEqual({ ok: true });
		expect((await getMfaStatus(t.db, anna.id)).enabled).toBe(false);
		expect(await resetMfa(t.db, { actorId: boss.id, userId: anna.id, origin: null })).toEqual({ ok: false, problem: 'not_enabled' });
		const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'object_id']).where('action', '=', 'mfa.reset').execute();
		expect(audit).toEqual([{ action: 'mfa.reset', actor_id: boss.id, object_id: anna.id }]);
	});
});

describe('pending sign-in', () => {
	it('needs no second step without MFA; with MFA it is stored hashed and lasts five minutes', async () => {
		expect(await beginSecondStep(t.db, { userId: anna.id, redirectTo: '/' })).toBeNull();
		await enrol();
		const now = Date.now();
		const pending = await beginSecondStep(t.db, { userId: anna.id, redirectTo: '/plannen', now });
		expect(pending?.step).toBe('verify');
		const rows = await t.db.selectFrom('mfa_pending_logins').select('id').execute();
		expect(rows).toEqual([{ id: hashSecret(pending!.token) }]);
		expect(await readPendingLogin(t.db, pending!.token, now + 1000)).toMatchObject({ user: { id: anna.id }, redirectTo: '/plannen', step: 'verify' });
		expect(await readPendingLogin(t.db, pending!.token, now + PENDING_LOGIN_TTL_MS)).toBeNull();
		expect(await readPendingLogin(t.db, 'nonsense')).toBeNull();
	});
});

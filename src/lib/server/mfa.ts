import { decodeBase32IgnorePadding, encodeBase32LowerCaseNoPadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import type { Kysely, Transaction } from 'kysely';
import { renderSVG } from 'uqr';
import { generateLinkToken, hashSecret } from './account-token.ts';
import { recordAudit } from './audit.ts';
import { sessionCookieOptions } from './cookies.ts';
import type { Db } from './db.ts';
import type { Database } from './schema.ts';
import { consumeAttempt, recordSuccess, type ThrottlePolicy } from './throttle.ts';

/**
 * Two-step sign-in with TOTP (RFC 6238: SHA-1, 6 digits, 30 s) and ten
 * single-use recovery codes.
 *
 *  - Enrolment: startEnrolment() stores a fresh 160-bit key with enabled_at
 *    null; the person scans the QR code (or types the key) and confirms one
 *    code; only then is MFA on and are the recovery codes made (shown once,
 *    stored as SHA-256 — they carry 60 random bits, so no slow hash is needed).
 *  - Verification accepts the current time step and one on either side (clock
 *    drift), and never a step at or before the last accepted one, so an
 *    observed code cannot be replayed. It is throttled per account
 *    (`mfa:<userId>`) through throttle.ts, like passwords: every attempt
 *    counts as a failure until it succeeds (consumeAttempt, recordSuccess).
 *  - A region with mfa_required makes MFA compulsory for its admins and
 *    editors and its gemeenten's editors: they are led through enrolment at
 *    sign-in (beginSecondStep) and cannot turn MFA off.
 *  - The key is never logged and never leaves the server except on the
 *    enrolment page of its own account.
 */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
const WINDOW_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;
/** how long the second step of a sign-in may take */
export const PENDING_LOGIN_TTL_MS = 5 * 60 * 1000;

type Writer = Kysely<Database> | Transaction<Database>;
type Actor = { id: string; name: string };

export function newTotpSecret(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32UpperCaseNoPadding(bytes);
}

/** The key in groups of four, as people type it into an authenticator app. */
export function formatSecret(secret: string): string {
	return secret.replace(/(.{4})/g, '$1 ').trim();
}

export function totpUri(secret: string, accountName: string): string {
	return createTOTPKeyURI('Kring', accountName, decodeBase32IgnorePadding(secret), PERIOD_SECONDS, DIGITS);
}

/** The otpauth URI as an inline SVG QR code with an accessible name. */
export function totpQrSvg(uri: string, label: string): string {
	const escaped = label.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
	return renderSVG(uri, { border: 2, pixelSize: 6, ecc: 'M' }).replace('<svg ', `<svg role="img" aria-label="${escaped}" focusable="false" `);
}

export function totpCode(secret: string, at: number): string {
	return generateHOTP(decodeBase32IgnorePadding(secret), BigInt(Math.floor(at / 1000 / PERIOD_SECONDS)), DIGITS);
}

function constantTimeEqual(a: string, b: string): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
	return diff === 0;
}

/** The time step the code belongs to (within the window), or null. */
export function matchTotpStep(secret: string, code: string, at: number): number | null {
	const digits = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(digits)) return null;
	const key = decodeBase32IgnorePadding(secret);
	const step = Math.floor(at / 1000 / PERIOD_SECONDS);
	let found: number | null = null;
	// Every candidate is computed, whatever matches, so timing does not tell which step did.
	for (let s = step - WINDOW_STEPS; s <= step + WINDOW_STEPS; s++) {
		if (constantTimeEqual(generateHOTP(key, BigInt(s), DIGITS), digits) && found === null) found = s;
	}
	return found;
}

/** 'abcd-efgh-ijkl': 60 random bits, no 0/1/8/9 confusion (base32). */
export function newRecoveryCode(): string {
	const bytes = new Uint8Array(8);
	crypto.getRandomValues(bytes);
	const raw = encodeBase32LowerCaseNoPadding(bytes).slice(0, 12);
	return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
}

export function normalizeRecoveryCode(input: string): string {
	return input.toLowerCase().replace(/[^a-z2-7]/g, '');
}

async function replaceRecoveryCodes(db: Writer, userId: string, now: number): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
	await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
	await db
		.insertInto('mfa_recovery_codes')
		.values(codes.map((code) => ({ user_id: userId, code_hash: hashSecret(normalizeRecoveryCode(code)), created_at: now, used_at: null })))
		.execute();
	return codes;
}

export interface MfaStatus {
	enabled: boolean;
	enabledAt: number | null;
	recoveryCodesLeft: number;
	/** MFA is compulsory for this person (a region requires it for their role) */
	required: boolean;
}

export async function getMfaStatus(db: Db, userId: string): Promise<MfaStatus> {
	const [row, left, required] = await Promise.all([
		db.selectFrom('user_mfa').select(['enabled_at']).where('user_id', '=', userId).executeTakeFirst(),
		db
			.selectFrom('mfa_recovery_codes')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('user_id', '=', userId)
			.where('used_at', 'is', null)
			.executeTakeFirstOrThrow(),
		isMfaRequired(db, userId)
	]);
	const enabledAt = row?.enabled_at ?? null;
	return { enabled: enabledAt !== null, enabledAt, recoveryCodesLeft: enabledAt === null ? 0 : Number(left.n), required };
}

/** Does a region require MFA of this person (admin or editor of it, or editor of one of its gemeenten)? */
export async function isMfaRequired(db: Db, userId: string): Promise<boolean> {
	const region = await db
		.selectFrom('region_memberships as rm')
		.innerJoin('regions as r', 'r.id', 'rm.region_id')
		.select('r.id')
		.where('rm.user_id', '=', userId)
		.where('rm.role', 'in', ['admin', 'editor'])
		.where('r.mfa_required', '=', 1)
		.executeTakeFirst();
	if (region) return true;
	const municipality = await db
		.selectFrom('municipality_memberships as mm')
		.innerJoin('municipalities as mu', 'mu.id', 'mm.municipality_id')
		.innerJoin('regions as r', 'r.id', 'mu.region_id')
		.select('r.id')
		.where('mm.user_id', '=', userId)
		.where('r.mfa_required', '=', 1)
		.executeTakeFirst();
	return municipality !== undefined;
}

/**
 * Starts (or restarts) enrolment: a new key, not yet in force. Returns null
 * when MFA is already on (turn it off first, or regenerate recovery codes).
 * An unfinished enrolment's key is shown again rather than replaced, so a
 * reload does not invalidate what the person already scanned.
 */
export async function startEnrolment(db: Db, userId: string, now = Date.now()): Promise<{ secret: string } | null> {
	const row = await db.selectFrom('user_mfa').select(['secret', 'enabled_at']).where('user_id', '=', userId).executeTakeFirst();
	if (row?.enabled_at != null) return null;
	if (row) return { secret: row.secret };
	const secret = newTotpSecret();
	await db
		.insertInto('user_mfa')
		.values({ user_id: userId, secret, created_at: now, enabled_at: null })
		.onConflict((oc) => oc.column('user_id').doNothing())
		.execute();
	const stored = await db.selectFrom('user_mfa').select('secret').where('user_id', '=', userId).executeTakeFirstOrThrow();
	return { secret: stored.secret };
}

export type CodeCheck = { ok: true } | { ok: false; problem: 'wrong_code' } | { ok: false; problem: 'throttled'; retryAfterMs: number };

function mfaThrottleKey(userId: string, policy: ThrottlePolicy) {
	return [{ key: `mfa:${userId}`, policy }];
}

/**
 * Confirms enrolment with the first code from the app: MFA is on from now,
 * with ten new recovery codes (returned once, never stored in the clear).
 */
export async function confirmEnrolment(
	db: Db,
	input: { actor: Actor; code: string; throttle: ThrottlePolicy; origin: string | null; now?: number }
): Promise<{ ok: true; recoveryCodes: string[] } | Exclude<CodeCheck, { ok: true }> | { ok: false; problem: 'not_started' }> {
	const now = input.now ?? Date.now();
	const userId = input.actor.id;
	const keys = mfaThrottleKey(userId, input.throttle);
	const decision = await consumeAttempt(db, keys, now);
	if (!decision.allowed) return { ok: false, problem: 'throttled', retryAfterMs: decision.retryAfterMs };
	const row = await db.selectFrom('user_mfa').select(['secret', 'enabled_at']).where('user_id', '=', userId).executeTakeFirst();
	if (!row || row.enabled_at !== null) return { ok: false, problem: 'not_started' };
	const step = matchTotpStep(row.secret, input.code, now);
	if (step === null) {
		await recordAudit(db, { action: 'mfa.failed', actor: input.actor, result: 'failure', object: { type: 'user', id: userId, label: input.actor.name }, origin: input.origin, detail: { step: 'enrolment' }, at: now });
		return { ok: false, problem: 'wrong_code' };
	}
	const codes = await db.transaction().execute(async (trx) => {
		await trx.updateTable('user_mfa').set({ enabled_at: now, last_step: step }).where('user_id', '=', userId).where('enabled_at', 'is', null).execute();
		const codes = await replaceRecoveryCodes(trx, userId, now);
		await recordAudit(trx, { action: 'mfa.enabled', actor: input.actor, object: { type: 'user', id: userId, label: input.actor.name }, origin: input.origin, at: now });
		return codes;
	});
	await recordSuccess(db, keys[0].key);
	return { ok: true, recoveryCodes: codes };
}

/**
 * Checks a second factor: a TOTP code, or else a recovery code (used up at
 * once). Throttled per account; every failure is in the audit log.
 */
export async function verifySecondFactor(
	db: Db,
	input: { actor: Actor; code: string; throttle: ThrottlePolicy; origin: string | null; now?: number }
): Promise<({ ok: true; method: 'totp' | 'recovery' } | Exclude<CodeCheck, { ok: true }>)> {
	const now = input.now ?? Date.now();
	const userId = input.actor.id;
	const keys = mfaThrottleKey(userId, input.throttle);
	const decision = await consumeAttempt(db, keys, now);
	if (!decision.allowed) return { ok: false, problem: 'throttled', retryAfterMs: decision.retryAfterMs };
	const object = { type: 'user', id: userId, label: input.actor.name };
	const method = await db.transaction().execute(async (trx) => {
		const row = await trx.selectFrom('user_mfa').select(['secret', 'enabled_at', 'last_step']).where('user_id', '=', userId).executeTakeFirst();
		if (!row || row.enabled_at === null) return null;
		const step = matchTotpStep(row.secret, input.code, now);
		if (step !== null) {
			if (step <= row.last_step) return null; // replayed
			const updated = await trx
				.updateTable('user_mfa')
				.set({ last_step: step })
				.where('user_id', '=', userId)
				.where('last_step', '<', step)
				.executeTakeFirst();
			return Number(updated.numUpdatedRows) === 1 ? ('totp' as const) : null;
		}
		const normalized = normalizeRecoveryCode(input.code);
		if (normalized.length !== 12) return null;
		const used = await trx
			.updateTable('mfa_recovery_codes')
			.set({ used_at: now })
			.where('user_id', '=', userId)
			.where('code_hash', '=', hashSecret(normalized))
			.where('used_at', 'is', null)
			.executeTakeFirst();
		if (Number(used.numUpdatedRows) !== 1) return null;
		const left = await trx
			.selectFrom('mfa_recovery_codes')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('user_id', '=', userId)
			.where('used_at', 'is', null)
			.executeTakeFirstOrThrow();
		await recordAudit(trx, { action: 'mfa.recovery_code_used', actor: input.actor, object, origin: input.origin, detail: { left: Number(left.n) }, at: now });
		return 'recovery' as const;
	});
	if (method === null) {
		await recordAudit(db, { action: 'mfa.failed', actor: input.actor, result: 'failure', object, origin: input.origin, at: now });
		return { ok: false, problem: 'wrong_code' };
	}
	await recordSuccess(db, keys[0].key);
	return { ok: true, method };
}

/** Turns MFA off after a valid code, unless a region requires it of this person. */
export async function disableMfa(
	db: Db,
	input: { actor: Actor; code: string; throttle: ThrottlePolicy; origin: string | null; now?: number }
): Promise<{ ok: true } | Exclude<CodeCheck, { ok: true }> | { ok: false; problem: 'required' | 'not_enabled' }> {
	const now = input.now ?? Date.now();
	const userId = input.actor.id;
	if (await isMfaRequired(db, userId)) return { ok: false, problem: 'required' };
	const status = await db.selectFrom('user_mfa').select('enabled_at').where('user_id', '=', userId).executeTakeFirst();
	if (!status?.enabled_at) return { ok: false, problem: 'not_enabled' };
	const check = await verifySecondFactor(db, { ...input, now });
	if (!check.ok) return check;
	await db.transaction().execute(async (trx) => {
		await trx.deleteFrom('user_mfa').where('user_id', '=', userId).execute();
		await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
		await recordAudit(trx, { action: 'mfa.disabled', actor: input.actor, object: { type: 'user', id: userId, label: input.actor.name }, origin: input.origin, at: now });
	});
	return { ok: true };
}

/** Ten new recovery codes; the old ones stop working. Only while MFA is on. */
export async function regenerateRecoveryCodes(
	db: Db,
	input: { actor: Actor; origin: string | null; now?: number }
): Promise<string[] | null> {
	const now = input.now ?? Date.now();
	const userId = input.actor.id;
	return db.transaction().execute(async (trx) => {
		const row = await trx.selectFrom('user_mfa').select('enabled_at').where('user_id', '=', userId).executeTakeFirst();
		if (!row?.enabled_at) return null;
		const codes = await replaceRecoveryCodes(trx, userId, now);
		await recordAudit(trx, {
			action: 'mfa.enabled',
			actor: input.actor,
			object: { type: 'user', id: userId, label: input.actor.name },
			origin: input.origin,
			detail: { recoveryCodes: 'regenerated' },
			at: now
		});
		return codes;
	});
}

/**
 * The instance admin removes someone's MFA (lost phone and codes): the
 * account signs in with its password again and, where a region requires MFA,
 * enrols anew. Everyone else: 'forbidden'.
 */
export async function resetMfa(
	db: Db,
	input: { actorId: string; userId: string; origin: string | null; now?: number }
): Promise<{ ok: true } | { ok: false; problem: 'forbidden' | 'not_found' | 'not_enabled' }> {
	const now = input.now ?? Date.now();
	return db.transaction().execute(async (trx) => {
		const actor = await trx.selectFrom('users').select(['id', 'name', 'instance_admin', 'deactivated_at']).where('id', '=', input.actorId).executeTakeFirst();
		if (!actor || actor.instance_admin !== 1 || actor.deactivated_at !== null) return { ok: false as const, problem: 'forbidden' as const };
		const user = await trx.selectFrom('users').select(['id', 'name']).where('id', '=', input.userId).executeTakeFirst();
		if (!user) return { ok: false as const, problem: 'not_found' as const };
		const deleted = await trx.deleteFrom('user_mfa').where('user_id', '=', user.id).executeTakeFirst();
		await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', user.id).execute();
		await trx.deleteFrom('mfa_pending_logins').where('user_id', '=', user.id).execute();
		if (Number(deleted.numDeletedRows) === 0) return { ok: false as const, problem: 'not_enabled' as const };
		await recordAudit(trx, {
			action: 'mfa.reset',
			actor: { id: actor.id, name: actor.name },
			object: { type: 'user', id: user.id, label: user.name },
			origin: input.origin,
			at: now
		});
		return { ok: true as const };
	});
}

/**
 * A region admin turns the requirement on or off. Turning it on needs the
 * admin's own MFA on (else they would lock themselves out) and ends the
 * sessions of the region's admins and editors without MFA, so their next
 * sign-in leads them through enrolment. Returns those people, whose open
 * sockets the caller re-checks.
 */
export async function setRegionMfaRequired(
	db: Db,
	input: { actor: Actor; regionId: string; required: boolean; origin: string | null; now?: number }
): Promise<{ ok: true; signedOut: string[] } | { ok: false; problem: 'forbidden' | 'own_mfa_missing' }> {
	const now = input.now ?? Date.now();
	return db.transaction().execute(async (trx) => {
		const role = await trx
			.selectFrom('region_memberships')
			.select('role')
			.where('user_id', '=', input.actor.id)
			.where('region_id', '=', input.regionId)
			.executeTakeFirst();
		if (role?.role !== 'admin') return { ok: false as const, problem: 'forbidden' as const };
		let signedOut: string[] = [];
		if (input.required) {
			const own = await trx.selectFrom('user_mfa').select('enabled_at').where('user_id', '=', input.actor.id).executeTakeFirst();
			if (!own?.enabled_at) return { ok: false as const, problem: 'own_mfa_missing' as const };
			const enrolled = trx.selectFrom('user_mfa').select('user_id').where('enabled_at', 'is not', null);
			const regional = await trx
				.selectFrom('region_memberships')
				.select('user_id')
				.where('region_id', '=', input.regionId)
				.where('role', 'in', ['admin', 'editor'])
				.where('user_id', 'not in', enrolled)
				.execute();
			const local = await trx
				.selectFrom('municipality_memberships as mm')
				.innerJoin('municipalities as mu', 'mu.id', 'mm.municipality_id')
				.select('mm.user_id')
				.where('mu.region_id', '=', input.regionId)
				.where('mm.user_id', 'not in', enrolled)
				.execute();
			signedOut = [...new Set([...regional, ...local].map((r) => r.user_id))];
			if (signedOut.length > 0) await trx.deleteFrom('sessions').where('user_id', 'in', signedOut).execute();
		}
		await trx.updateTable('regions').set({ mfa_required: input.required ? 1 : 0 }).where('id', '=', input.regionId).execute();
		const region = await trx.selectFrom('regions').select('name').where('id', '=', input.regionId).executeTakeFirstOrThrow();
		await recordAudit(trx, {
			action: 'mfa.required_changed',
			actor: input.actor,
			object: { type: 'region', id: input.regionId, label: region.name },
			regionId: input.regionId,
			origin: input.origin,
			detail: { required: input.required, signedOut: signedOut.length },
			at: now
		});
		return { ok: true as const, signedOut };
	});
}

export type SecondStep = 'verify' | 'enrol';

/**
 * After a correct password: does this sign-in need a second step? 'verify'
 * when MFA is on, 'enrol' when a region requires it and it is not on yet.
 * Then a pending sign-in is stored (5 minutes, only the token's hash) and no
 * session exists until the step is done.
 */
export async function beginSecondStep(
	db: Db,
	input: { userId: string; redirectTo: string; now?: number }
): Promise<{ token: string; expiresAt: number; step: SecondStep } | null> {
	const now = input.now ?? Date.now();
	const mfa = await db.selectFrom('user_mfa').select('enabled_at').where('user_id', '=', input.userId).executeTakeFirst();
	const step: SecondStep | null = mfa?.enabled_at ? 'verify' : (await isMfaRequired(db, input.userId)) ? 'enrol' : null;
	if (step === null) return null;
	const token = generateLinkToken();
	const expiresAt = now + PENDING_LOGIN_TTL_MS;
	await db.deleteFrom('mfa_pending_logins').where('expires_at', '<=', now).execute();
	await db
		.insertInto('mfa_pending_logins')
		.values({ id: hashSecret(token), user_id: input.userId, redirect_to: input.redirectTo, created_at: now, expires_at: expiresAt })
		.execute();
	return { token, expiresAt, step };
}

export interface PendingLogin {
	id: string;
	user: { id: string; name: string; email: string };
	redirectTo: string;
	expiresAt: number;
	step: SecondStep;
}

export async function readPendingLogin(db: Db, token: string, now = Date.now()): Promise<PendingLogin | null> {
	if (!/^[a-z2-7]{32}$/.test(token)) return null;
	const row = await db
		.selectFrom('mfa_pending_logins as p')
		.innerJoin('users as u', 'u.id', 'p.user_id')
		.leftJoin('user_mfa as f', 'f.user_id', 'p.user_id')
		.select(['p.id', 'p.user_id', 'p.redirect_to', 'p.expires_at', 'u.name', 'u.email', 'u.deactivated_at', 'f.enabled_at'])
		.where('p.id', '=', hashSecret(token))
		.executeTakeFirst();
	if (!row || now >= row.expires_at || row.deactivated_at !== null) return null;
	return {
		id: row.id,
		user: { id: row.user_id, name: row.name, email: row.email },
		redirectTo: row.redirect_to,
		expiresAt: row.expires_at,
		step: row.enabled_at ? 'verify' : 'enrol'
	};
}

/** The pending sign-in is done (or abandoned): its token stops working. */
export async function endPendingLogin(db: Db, id: string): Promise<boolean> {
	const result = await db.deleteFrom('mfa_pending_logins').where('id', '=', id).executeTakeFirst();
	return Number(result.numDeletedRows) === 1;
}

/** The cookie that carries a pending sign-in to its second step: httpOnly, only under /login, five minutes. */
export const PENDING_LOGIN_COOKIE = 'login_step';

export function pendingLoginCookieOptions(url: URL, expiresAt: number) {
	return { ...sessionCookieOptions(url, expiresAt), path: '/login', sameSite: 'strict' as const };
}

/** The key of an enrolment started but not yet confirmed, for showing the QR code again. */
export async function pendingEnrolmentSecret(db: Db, userId: string): Promise<string | null> {
	const row = await db.selectFrom('user_mfa').select(['secret', 'enabled_at']).where('user_id', '=', userId).executeTakeFirst();
	return row && row.enabled_at === null ? row.secret : null;
}

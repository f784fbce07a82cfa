import { findAccountToken, issueAccountToken, useAccountToken, type LinkProblem } from './account-token.ts';
import { recordAudit } from './audit.ts';
import type { Db } from './db.ts';
import { hashPassword } from './password.ts';
import { invalidateUserSessions } from './session.ts';
import { consumeAttempt, type ThrottleDecision, type ThrottleKey, type ThrottlePolicy } from './throttle.ts';
import { normalizeEmail } from './user.ts';

/**
 * "Wachtwoord vergeten?": a mailed link (single use, one hour, stored as
 * SHA-256 only) that sets a new password and ends every session of the account.
 *
 * Contract for the route:
 *  - it answers the same for known and unknown addresses, and sends the mail
 *    without awaiting it, so neither the text nor the timing tells which
 *    addresses have an account;
 *  - requests are throttled per address and per client address before
 *    anything is looked up (RESET_THROTTLE);
 *  - deactivated accounts and accounts without a password (people listed in
 *    the data who never got an account) get no link: invitations are for them.
 */
export const RESET_THROTTLE: { email: ThrottlePolicy; address: ThrottlePolicy } = {
	email: { freeFailures: 0, baseDelayMs: 0, maxDelayMs: 0, maxChecksPerHour: 5 },
	address: { freeFailures: 0, baseDelayMs: 0, maxDelayMs: 0, maxChecksPerHour: 30 }
};

export function resetThrottleKeys(email: string, clientAddress: string): ThrottleKey[] {
	return [
		{ key: `reset:${normalizeEmail(email)}`, policy: RESET_THROTTLE.email },
		{ key: `reset-ip:${clientAddress}`, policy: RESET_THROTTLE.address }
	];
}

export type ResetRequest =
	| { throttled: true; retryAfterMs: number }
	| { throttled: false; link: null }
	| { throttled: false; link: { token: string; expiresAt: number; to: string; name: string } };

export async function requestPasswordReset(
	db: Db,
	input: { email: string; origin: string | null; now?: number }
): Promise<ResetRequest> {
	const now = input.now ?? Date.now();
	const email = normalizeEmail(input.email);
	const decision: ThrottleDecision = await consumeAttempt(db, resetThrottleKeys(email, input.origin ?? 'unknown'), now);
	if (!decision.allowed) return { throttled: true, retryAfterMs: decision.retryAfterMs };
	return db.transaction().execute(async (trx) => {
		const user = await trx
			.selectFrom('users')
			.select(['id', 'name', 'email', 'password_hash', 'deactivated_at'])
			.where('email', '=', email)
			.executeTakeFirst();
		if (!user || user.password_hash === null || user.deactivated_at !== null) {
			// No account is named: the typed address is not stored either.
			await recordAudit(trx, { action: 'password.reset_requested', result: 'failure', origin: input.origin, at: now });
			return { throttled: false as const, link: null };
		}
		const { token, expiresAt } = await issueAccountToken(trx, { kind: 'password_reset', userId: user.id, now });
		await recordAudit(trx, {
			action: 'password.reset_requested',
			actor: null,
			object: { type: 'user', id: user.id, label: user.name },
			origin: input.origin,
			at: now
		});
		return { throttled: false as const, link: { token, expiresAt, to: user.email, name: user.name } };
	});
}

export async function checkPasswordResetLink(
	db: Db,
	token: string,
	now = Date.now()
): Promise<{ ok: true; userId: string; email: string } | { ok: false; problem: LinkProblem }> {
	const found = await findAccountToken(db, { kind: 'password_reset', token, now });
	if (!found.ok) return found;
	const user = await db.selectFrom('users').select(['email', 'deactivated_at']).where('id', '=', found.row.userId).executeTakeFirst();
	if (!user || user.deactivated_at !== null) return { ok: false, problem: 'unknown' };
	return { ok: true, userId: found.row.userId, email: user.email };
}

/**
 * Sets the new password (already checked against the rules by the caller),
 * uses the link up, voids the account's other reset links and pending
 * sign-ins, and ends every session — all in one transaction with its audit row.
 * The caller then re-checks the user's open sockets.
 */
export async function resetPassword(
	db: Db,
	input: { token: string; password: string; origin: string | null; now?: number }
): Promise<{ ok: true; userId: string; email: string } | { ok: false; problem: LinkProblem }> {
	const now = input.now ?? Date.now();
	const first = await checkPasswordResetLink(db, input.token, now);
	if (!first.ok) return first;
	const passwordHash = await hashPassword(input.password);
	return db.transaction().execute(async (trx) => {
		const found = await findAccountToken(trx, { kind: 'password_reset', token: input.token, now });
		if (!found.ok) return found;
		if (!(await useAccountToken(trx, found.row.id, now))) return { ok: false as const, problem: 'used' as const };
		const userId = found.row.userId;
		const user = await trx.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
		await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
		await trx
			.updateTable('account_tokens')
			.set({ used_at: now })
			.where('user_id', '=', userId)
			.where('kind', '=', 'password_reset')
			.where('used_at', 'is', null)
			.execute();
		await invalidateUserSessions(trx, userId);
		await trx.deleteFrom('mfa_pending_logins').where('user_id', '=', userId).execute();
		await recordAudit(trx, {
			action: 'password.reset',
			actor: { id: userId, name: user.name },
			object: { type: 'user', id: userId, label: user.name },
			origin: input.origin,
			at: now
		});
		return { ok: true as const, userId, email: user.email };
	});
}

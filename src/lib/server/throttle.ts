import type { Db } from './db.ts';

/**
 * Login throttling, consulted before any password hash is computed so that
 * an attacker can neither guess fast nor make the server burn CPU on argon2.
 *
 * Each key (an account's e-mail, or a client address) gets a few free
 * failures, then an exponential back-off: base · 2^(failures − free), capped.
 * Independently, a key may reach the password check at most `maxChecksPerHour`
 * times per hour. Keys are counted whether or not the account exists, so the
 * answer never reveals which e-mail addresses are registered.
 */
export interface ThrottlePolicy {
	freeFailures: number;
	baseDelayMs: number;
	maxDelayMs: number;
	maxChecksPerHour: number;
}

export interface ThrottleKey {
	key: string;
	policy: ThrottlePolicy;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

const HOUR = 60 * 60 * 1000;

export function accountKey(email: string): string {
	return `account:${email.trim().toLowerCase()}`;
}

export function addressKey(address: string): string {
	return `ip:${address}`;
}

export function backoffDelay(failures: number, policy: ThrottlePolicy): number {
	if (failures < policy.freeFailures) return 0;
	const steps = Math.min(failures - policy.freeFailures, 30);
	return Math.min(policy.baseDelayMs * 2 ** steps, policy.maxDelayMs);
}

/**
 * Decides whether a login attempt may go on to the password check. An allowed
 * attempt counts against each key's hourly budget; a refused one costs nothing.
 */
export async function consumeAttempt(db: Db, keys: ThrottleKey[], now = Date.now()): Promise<ThrottleDecision> {
	return db.transaction().execute(async (trx) => {
		let retryAfterMs = 0;
		const rows = [];
		for (const { key, policy } of keys) {
			const row = (await trx.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst()) ?? {
				key,
				failures: 0,
				locked_until: 0,
				window_start: now,
				checks: 0
			};
			if (now - row.window_start >= HOUR) {
				row.window_start = now;
				row.checks = 0;
			}
			if (row.locked_until > now) retryAfterMs = Math.max(retryAfterMs, row.locked_until - now);
			if (row.checks >= policy.maxChecksPerHour)
				retryAfterMs = Math.max(retryAfterMs, row.window_start + HOUR - now);
			rows.push(row);
		}
		if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
		for (const row of rows) {
			await trx
				.insertInto('login_throttle')
				.values({ ...row, checks: row.checks + 1 })
				.onConflict((oc) => oc.column('key').doUpdateSet({ window_start: row.window_start, checks: row.checks + 1 }))
				.execute();
		}
		return { allowed: true };
	});
}

export async function recordFailure(db: Db, keys: ThrottleKey[], now = Date.now()): Promise<void> {
	await db.transaction().execute(async (trx) => {
		for (const { key, policy } of keys) {
			const row = await trx.selectFrom('login_throttle').select('failures').where('key', '=', key).executeTakeFirst();
			const failures = (row?.failures ?? 0) + 1;
			const lockedUntil = now + backoffDelay(failures, policy);
			await trx
				.insertInto('login_throttle')
				.values({ key, failures, locked_until: lockedUntil, window_start: now, checks: 1 })
				.onConflict((oc) => oc.column('key').doUpdateSet({ failures, locked_until: lockedUntil }))
				.execute();
		}
	});
}

/** A successful login clears the account's failures (its hourly budget stays). */
export async function recordSuccess(db: Db, key: string): Promise<void> {
	await db.updateTable('login_throttle').set({ failures: 0, locked_until: 0 }).where('key', '=', key).execute();
}

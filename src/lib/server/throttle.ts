import { sql } from 'kysely';
import { isPostgres, type Db } from './db.ts';

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

/** Advisory-lock namespace of the throttle's keys (two-key form, so it cannot meet other advisory locks). */
const THROTTLE_LOCKS = 0x6b72_0001;

/**
 * On PostgreSQL, holds each key's advisory lock until the transaction ends, so
 * parallel attempts on the same key read and write one after the other, as
 * they do on SQLite's single connection. Keys in one order: no deadlock.
 */
async function lockKeys(trx: Db, keys: string[]): Promise<void> {
	if (!isPostgres(trx)) return;
	for (const key of [...new Set(keys)].sort()) await sql`select pg_advisory_xact_lock(${THROTTLE_LOCKS}, hashtext(${key}))`.execute(trx);
}

/**
 * Decides whether a login attempt may go on to the password check, and if so
 * counts it as a failure at once — in the same transaction as the decision.
 * Counting only after the (slow) password check let 120 parallel attempts all
 * pass the check before the first failure was written; now the sixth of them
 * already finds the account locked. A success clears the count again
 * (recordSuccess). A refused attempt costs nothing.
 */
export async function consumeAttempt(db: Db, keys: ThrottleKey[], now = Date.now()): Promise<ThrottleDecision> {
	return db.transaction().execute(async (trx) => {
		await lockKeys(trx, keys.map((k) => k.key));
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
			if (row.checks >= policy.maxChecksPerHour) retryAfterMs = Math.max(retryAfterMs, row.window_start + HOUR - now);
			rows.push({ row, policy });
		}
		if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
		for (const { row, policy } of rows) {
			const next = {
				key: row.key,
				failures: row.failures + 1,
				locked_until: now + backoffDelay(row.failures + 1, policy),
				window_start: row.window_start,
				checks: row.checks + 1
			};
			await trx
				.insertInto('login_throttle')
				.values(next)
				.onConflict((oc) =>
					oc.column('key').doUpdateSet({
						failures: next.failures,
						locked_until: next.locked_until,
						window_start: next.window_start,
						checks: next.checks
					})
				)
				.execute();
		}
		return { allowed: true };
	});
}

/**
 * A successful login clears the failures of its own key (the account, or the
 * device) — given as a string or as the first of the attempt's keys. Further
 * keys (the address) only take back this attempt's provisional failure, so an
 * attacker cannot wipe an address's count by signing in to an account of
 * their own, and a busy office address is not locked by its own successes.
 * Hourly budgets stay.
 */
export async function recordSuccess(db: Db, keys: string | ThrottleKey[]): Promise<void> {
	if (typeof keys === 'string') keys = [{ key: keys, policy: { freeFailures: 0, baseDelayMs: 0, maxDelayMs: 0, maxChecksPerHour: 0 } }];
	const [own, ...shared] = keys;
	await db.transaction().execute(async (trx) => {
		await lockKeys(trx, shared.map((k) => k.key));
		if (own) await trx.updateTable('login_throttle').set({ failures: 0, locked_until: 0 }).where('key', '=', own.key).execute();
		for (const { key, policy } of shared) {
			const row = await trx.selectFrom('login_throttle').select(['failures', 'locked_until']).where('key', '=', key).executeTakeFirst();
			if (!row || row.failures === 0) continue;
			const failures = row.failures - 1;
			await trx
				.updateTable('login_throttle')
				.set({ failures, locked_until: backoffDelay(failures, policy) === 0 ? 0 : row.locked_until })
				.where('key', '=', key)
				.execute();
		}
	});
}

const DAY = 24 * HOUR;

/**
 * Forgets keys that no longer hold anything back: no lock and no hourly budget
 * left to enforce, and (for a key with failures) a day without attempts. Without
 * this every address and e-mail ever tried stays in the table; run daily.
 */
export async function pruneThrottle(db: Db, now = Date.now()): Promise<number> {
	const result = await db
		.deleteFrom('login_throttle')
		.where((eb) =>
			eb.or([
				eb.and([eb('failures', '=', 0), eb('locked_until', '<=', now), eb('window_start', '<=', now - HOUR)]),
				eb.and([eb('locked_until', '<=', now - DAY), eb('window_start', '<=', now - DAY)])
			])
		)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { accountKey, backoffDelay, consumeAttempt, pruneThrottle, recordSuccess, type ThrottlePolicy } from './throttle.ts';

const policy: ThrottlePolicy = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000, maxChecksPerHour: 100 };
const keys = [{ key: accountKey('Anna@Example.nl'), policy }];
let t: TestDatabase;

beforeEach(async () => (t = await createTestDatabase()));
afterEach(async () => t.close());

async function fail(now: number) {
	expect(await consumeAttempt(t.db, keys, now)).toEqual({ allowed: true });
}

describe('login throttling', () => {
	it('lets the first few failures through without delay', async () => {
		const now = Date.now();
		for (let i = 0; i < 4; i++) await fail(now);
		expect((await consumeAttempt(t.db, keys, now)).allowed).toBe(true);
	});

	it('locks the account after repeated failures, before any password check', async () => {
		const now = Date.now();
		for (let i = 0; i < 5; i++) await fail(now);
		const decision = await consumeAttempt(t.db, keys, now + 10);
		expect(decision.allowed).toBe(false);
	});

	it('opens again when the back-off window has passed', async () => {
		const now = Date.now();
		for (let i = 0; i < 5; i++) await fail(now);
		expect((await consumeAttempt(t.db, keys, now + 1001)).allowed).toBe(true);
	});

	it('doubles the back-off with each further failure, up to the cap', () => {
		expect(backoffDelay(4, policy)).toBe(0);
		expect(backoffDelay(5, policy)).toBe(1000);
		expect(backoffDelay(7, policy)).toBe(4000);
		expect(backoffDelay(40, policy)).toBe(60_000);
	});

	it('treats e-mail addresses case-insensitively', async () => {
		const now = Date.now();
		for (let i = 0; i < 5; i++) await fail(now);
		expect((await consumeAttempt(t.db, [{ key: accountKey('anna@example.nl'), policy }], now)).allowed).toBe(false);
	});

	it('allows at most 100 password checks per account per hour', async () => {
		const now = Date.now();
		for (let i = 0; i < 100; i++) {
			expect((await consumeAttempt(t.db, keys, now + i)).allowed).toBe(true);
			await recordSuccess(t.db, keys[0].key);
		}
		expect((await consumeAttempt(t.db, keys, now + 200)).allowed).toBe(false);
		expect((await consumeAttempt(t.db, keys, now + 3_600_001)).allowed).toBe(true);
	});

	it('a success clears the failures', async () => {
		const now = Date.now();
		for (let i = 0; i < 4; i++) await fail(now);
		await recordSuccess(t.db, keys[0].key);
		await fail(now);
		expect((await consumeAttempt(t.db, keys, now)).allowed).toBe(true);
	});

	it('counts parallel attempts atomically: of 120 at once only the free ones reach the password check', async () => {
		const now = Date.now();
		const decisions = await Promise.all(Array.from({ length: 120 }, () => consumeAttempt(t.db, keys, now)));
		expect(decisions.filter((d) => d.allowed)).toHaveLength(policy.freeFailures);
	});

	it("a success takes back only its own attempt from the address's count", async () => {
		const now = Date.now();
		const address = { key: 'ip:192.0.2.1', policy: { ...policy, freeFailures: 3 } };
		const both = [keys[0], address];
		for (let i = 0; i < 10; i++) {
			expect((await consumeAttempt(t.db, both, now)).allowed).toBe(true);
			await recordSuccess(t.db, both);
		}
		const row = await t.db.selectFrom('login_throttle').selectAll().where('key', '=', address.key).executeTakeFirstOrThrow();
		expect(row.failures).toBe(0);
		expect(row.locked_until).toBe(0);
	});
});

describe('pruning the throttle table', () => {
	const HOUR = 3_600_000;
	const rows = () => t.db.selectFrom('login_throttle').select('key').execute();

	it('keeps a locked key, and forgets it a day after its last failure', async () => {
		const now = Date.now();
		for (let i = 0; i < 5; i++) await fail(now);
		expect(await pruneThrottle(t.db, now + HOUR)).toBe(0);
		expect(await rows()).toHaveLength(1);
		expect(await pruneThrottle(t.db, now + 25 * HOUR)).toBe(1);
		expect(await rows()).toHaveLength(0);
	});

	it('forgets a key cleared by a success once its hourly budget is over', async () => {
		const now = Date.now();
		await fail(now);
		await recordSuccess(t.db, keys);
		expect(await pruneThrottle(t.db, now + 10_000)).toBe(0);
		expect(await pruneThrottle(t.db, now + HOUR + 1)).toBe(1);
	});
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	invalidateUserSessions,
	sessionIdFromToken,
	validateSessionToken,
	type SessionPolicy
} from './session.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { createUser } from './user.ts';

const HOUR = 3_600_000;
const policy: SessionPolicy = { idleTimeoutMs: 2 * HOUR, absoluteTimeoutMs: 24 * HOUR };
let t: TestDatabase;
let userId: string;

beforeEach(async () => {
	t = await createTestDatabase();
	userId = (await createUser(t.db, { email: 'a@example.nl', name: 'Anna', password: null })).id;
});
afterEach(async () => t.close());

describe('sessions', () => {
	it('tokens carry at least 128 random bits and differ every time', () => {
		const a = generateSessionToken();
		expect(a.length * 5).toBeGreaterThanOrEqual(128);
		expect(generateSessionToken()).not.toBe(a);
	});

	it('stores only the hash of the token', async () => {
		const token = generateSessionToken();
		await createSession(t.db, token, userId, policy);
		const rows = await t.db.selectFrom('sessions').select('id').execute();
		expect(rows).toEqual([{ id: sessionIdFromToken(token) }]);
		expect(rows[0].id).not.toContain(token);
	});

	it('validates a fresh token to its user', async () => {
		const token = generateSessionToken();
		await createSession(t.db, token, userId, policy);
		const result = await validateSessionToken(t.db, token, policy);
		expect(result.user?.name).toBe('Anna');
	});

	it('rejects an unknown or malformed token', async () => {
		expect((await validateSessionToken(t.db, generateSessionToken(), policy)).user).toBeNull();
		expect((await validateSessionToken(t.db, "'; drop table users; --", policy)).user).toBeNull();
	});

	it('expires after the idle timeout', async () => {
		const token = generateSessionToken();
		const now = Date.now();
		await createSession(t.db, token, userId, policy, now);
		expect((await validateSessionToken(t.db, token, policy, now + 2 * HOUR + 1)).session).toBeNull();
	});

	it('slides the idle expiry while in use', async () => {
		const token = generateSessionToken();
		const now = Date.now();
		await createSession(t.db, token, userId, policy, now);
		const later = await validateSessionToken(t.db, token, policy, now + 1.5 * HOUR);
		expect(later.refreshed).toBe(true);
		expect((await validateSessionToken(t.db, token, policy, now + 3 * HOUR)).session).not.toBeNull();
	});

	it('never lives past the absolute lifetime, however active', async () => {
		const token = generateSessionToken();
		const now = Date.now();
		await createSession(t.db, token, userId, policy, now);
		for (let h = 1; h < 24; h += 1) await validateSessionToken(t.db, token, policy, now + h * HOUR);
		expect((await validateSessionToken(t.db, token, policy, now + 24 * HOUR)).session).toBeNull();
	});

	it('logout ends the session', async () => {
		const token = generateSessionToken();
		const session = await createSession(t.db, token, userId, policy);
		await invalidateSession(t.db, session.id);
		expect((await validateSessionToken(t.db, token, policy)).session).toBeNull();
	});

	it('a password change ends every other session of the user', async () => {
		const mine = generateSessionToken();
		const other = generateSessionToken();
		const current = await createSession(t.db, mine, userId, policy);
		await createSession(t.db, other, userId, policy);
		await invalidateUserSessions(t.db, userId, current.id);
		expect((await validateSessionToken(t.db, mine, policy)).session).not.toBeNull();
		expect((await validateSessionToken(t.db, other, policy)).session).toBeNull();
	});
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession, generateSessionToken, invalidateSession } from './session.ts';
import { eventStream, openStreamCount, recheckStreams, STREAM_LIMITS } from './sse.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { createUser } from './user.ts';

const policy = { idleTimeoutMs: 60_000, absoluteTimeoutMs: 120_000 };
let t: TestDatabase;
let userId: string;
let sessionId: string;
const aborts: AbortController[] = [];

beforeEach(async () => {
	t = await createTestDatabase();
	userId = (await createUser(t.db, { email: 'els@example.nl', name: 'Els', password: null })).id;
	sessionId = (await createSession(t.db, generateSessionToken(), userId, policy)).id;
});
afterEach(async () => {
	for (const a of aborts.splice(0)) a.abort();
	await t.close();
});

/** Opens a stream and reads it; `ended` resolves when the server closes it. */
function open(allowed: () => Promise<boolean> = async () => true, session = sessionId) {
	const abort = new AbortController();
	aborts.push(abort);
	const response = eventStream({ signal: abort.signal, retryMs: 1000, owner: { userId, sessionId: session, stillAllowed: allowed }, start: () => () => {} });
	const reader = response.status === 200 ? response.body?.getReader() : undefined;
	const ended = (async () => {
		if (!reader) return;
		for (;;) if ((await reader.read()).done) return;
	})();
	return { response, ended };
}

describe('event streams', () => {
	it('end when their session ends (logout, password change)', async () => {
		const stream = open();
		expect(openStreamCount(userId)).toBe(1);
		await invalidateSession(t.db, sessionId);
		expect(await recheckStreams(t.db, userId)).toBe(1);
		await stream.ended;
		expect(openStreamCount(userId)).toBe(0);
	});

	it('end when their session expires, at the next sweep', async () => {
		const stream = open();
		expect(await recheckStreams(t.db, undefined, Date.now() + 10 * 60_000)).toBe(1);
		await stream.ended;
	});

	it('a sweep told nothing rights depend on changed checks sessions only', async () => {
		let asked = 0;
		open(async () => {
			asked++;
			return false;
		});
		expect(await recheckStreams(t.db, undefined, Date.now(), false)).toBe(0);
		expect(asked).toBe(0);
		expect(openStreamCount(userId)).toBe(1);
	});

	it('a sweep over many streams lets the event loop run between them', async () => {
		const busy = async () => {
			const until = performance.now() + 0.5;
			while (performance.now() < until);
			return true;
		};
		for (let i = 0; i < 12; i++) open(busy);
		let finished = false;
		let ranDuring = false;
		setImmediate(() => (ranDuring = !finished));
		await recheckStreams(t.db, userId);
		finished = true;
		expect(ranDuring).toBe(true);
	});

	it('end when the right they were opened with is gone, and stay open while it holds', async () => {
		let allowed = true;
		const stream = open(async () => allowed);
		expect(await recheckStreams(t.db, userId)).toBe(0);
		allowed = false;
		expect(await recheckStreams(t.db, userId)).toBe(1);
		await stream.ended;
	});

	it('refuse a session more streams than its limit with a Dutch 429', async () => {
		for (let i = 0; i < STREAM_LIMITS.perSession; i++) expect(open().response.status).toBe(200);
		const excess = open();
		expect(excess.response.status).toBe(429);
		expect((await excess.response.json()).message).toContain('te veel vensters');
	});
});

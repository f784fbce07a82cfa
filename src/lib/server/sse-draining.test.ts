import { afterEach, describe, expect, it } from 'vitest';
import { resetDrainingForTests, setDraining } from './readiness.ts';
import { closeAllStreams, eventStream, openStreamCount } from './sse.ts';

afterEach(() => {
	closeAllStreams();
	resetDrainingForTests();
});

const owner = { userId: 'u1', sessionId: 's1', stillAllowed: async () => true };

describe('event streams while shutting down', () => {
	it('answer a new stream with only the retry hint and end it, so the browser reconnects elsewhere', async () => {
		setDraining();
		let started = false;
		const response = eventStream({ signal: new AbortController().signal, retryMs: 2000, owner, start: () => ((started = true), () => {}) });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/event-stream');
		expect(response.headers.get('connection')).toBe('close');
		expect(await response.text()).toBe('retry: 2000\n\n');
		expect(started).toBe(false);
		expect(openStreamCount()).toBe(0);
	});

	it('end open streams on closeAllStreams', async () => {
		const response = eventStream({ signal: new AbortController().signal, retryMs: 2000, owner, start: () => () => {} });
		expect(openStreamCount()).toBe(1);
		closeAllStreams();
		expect(openStreamCount()).toBe(0);
		expect(await response.text()).toBe('retry: 2000\n\n');
	});
});

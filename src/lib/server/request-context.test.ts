import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { currentRequestId, requestIdFrom, requestLogMixin, runWithRequestId } from './request-context.ts';

describe('request id', () => {
	it('keeps a sane id from a proxy', () => {
		expect(requestIdFrom('abc-1234')).toBe('abc-1234');
		expect(requestIdFrom('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
	});

	it('replaces a missing, short, long or odd id with a new UUID', () => {
		const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
		for (const bad of [null, undefined, '', 'short', 'x'.repeat(65), 'has space in it', 'line\nbreak-12345', '<script>alert</script>', 'a_b_c_d_e_f']) {
			expect(requestIdFrom(bad)).toMatch(uuid);
		}
		expect(requestIdFrom(null)).not.toBe(requestIdFrom(null));
	});

	it('puts the id on every log line written inside the request, also after awaits and in child loggers', async () => {
		const lines: Array<Record<string, unknown>> = [];
		const sink = new Writable({
			write(chunk, _enc, done) {
				for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
				done();
			}
		});
		const logger = pino({ mixin: requestLogMixin }, sink);
		logger.info('before');
		await runWithRequestId('req-00000001', async () => {
			logger.info('start');
			await new Promise((r) => setTimeout(r, 5));
			logger.child({ part: 'collab' }).warn('later');
			expect(currentRequestId()).toBe('req-00000001');
		});
		await Promise.all([
			runWithRequestId('req-aaaaaaaa', async () => {
				await new Promise((r) => setTimeout(r, 3));
				logger.info('a');
			}),
			runWithRequestId('req-bbbbbbbb', async () => logger.info('b'))
		]);
		logger.info('after');
		const byMsg = Object.fromEntries(lines.map((l) => [l.msg, l.requestId]));
		expect(byMsg).toEqual({ before: undefined, start: 'req-00000001', later: 'req-00000001', a: 'req-aaaaaaaa', b: 'req-bbbbbbbb', after: undefined });
	});
});

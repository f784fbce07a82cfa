import { describe, expect, it } from 'vitest';
import { metrics, metricsAuthorized, observeRequest, renderMetrics } from './metrics.ts';

describe('metrics', () => {
	it('accepts only the exact bearer token', () => {
		const token = 'a-long-scrape-token-1234';
		expect(metricsAuthorized(`Bearer ${token}`, token)).toBe(true);
		expect(metricsAuthorized(`bearer ${token}`, token)).toBe(true);
		for (const header of [null, '', token, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, 'Bearer ', `Bearer ${token} extra`]) {
			expect(metricsAuthorized(header, token), String(header)).toBe(false);
		}
	});

	it('is one registry for the process, kept on globalThis', () => {
		expect(metrics()).toBe(metrics());
		expect((globalThis as Record<symbol, unknown>)[Symbol.for('kring.metrics')]).toBe(metrics());
	});

	it('renders Prometheus text with process metrics and labels HTTP requests by route id', async () => {
		observeRequest('GET', '/plannen/[planId]', 200, 0.012);
		observeRequest('BREW', null, 404, 0.001);
		metrics().loginThrottled.inc();
		metrics().collabClose.inc({ code: '1001', reason: 'GoingAway' });
		const { body, contentType } = await renderMetrics();
		expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
		expect(body).toContain('process_resident_memory_bytes');
		expect(body).toMatch(/kring_http_request_duration_seconds_count\{method="GET",route="\/plannen\/\[planId\]",status="200"\} 1/);
		expect(body).toMatch(/kring_http_request_duration_seconds_count\{method="other",route="unmatched",status="404"\} 1/);
		expect(body).toMatch(/kring_login_throttled_total 1/);
		expect(body).toMatch(/kring_collab_close_total\{code="1001",reason="GoingAway"\} 1/);
		for (const name of ['kring_collab_connections', 'kring_collab_documents', 'kring_event_streams', 'kring_draining', 'kring_collab_commit_duration_seconds', 'kring_collab_broadcast_duration_seconds']) {
			expect(body).toContain(`# TYPE ${name} `);
		}
		expect(body).toMatch(/kring_event_streams 0/);
	});
});

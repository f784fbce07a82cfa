import { metricsAuthorized, renderMetrics } from '$lib/server/metrics';
import { getRuntime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/**
 * Prometheus metrics. Off (404) unless METRICS_TOKEN is set; then only with
 * `Authorization: Bearer <token>` (401 otherwise). Never cached.
 */
export const GET: RequestHandler = async ({ request }) => {
	const { ops, logger } = getRuntime();
	if (!ops.metricsToken) return new Response('Niet gevonden', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	if (!metricsAuthorized(request.headers.get('authorization'), ops.metricsToken)) {
		logger.warn({ event: 'metrics_unauthorized' }, 'metrics scrape without a valid token');
		return new Response('Geen toegang', {
			status: 401,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer realm="kring-metrics"', 'Cache-Control': 'no-store' }
		});
	}
	const { body, contentType } = await renderMetrics();
	return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
};

import { json } from '@sveltejs/kit';
import { checkHealth } from '$lib/server/health';
import { getRuntime } from '$lib/server/runtime';

/**
 * Liveness that includes saving: ok only after a real read and a real write.
 * On a full or read-only disk it answers 503, so a monitor sees what users
 * would otherwise only find out by losing their work.
 */
export async function GET() {
	const health = await checkHealth(getRuntime().db);
	if (health.ok) return json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
	getRuntime().logger.error({ event: 'health_failed', reason: health.reason, code: health.code }, 'health check failed');
	return json({ status: 'error', reason: health.reason }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
}

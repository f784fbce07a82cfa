import { json } from '@sveltejs/kit';
import { checkReadiness } from '$lib/server/readiness';
import { getRuntime } from '$lib/server/runtime';

/**
 * Readiness for a load balancer or orchestrator: 200 `{"status":"ready"}`
 * when the database answers, every migration of this code is applied and the
 * process is not shutting down; otherwise 503 with the reason (`draining`,
 * `database`, `migrations`). Liveness (can it still save?) is /healthz.
 */
export async function GET() {
	const { db, logger, ops } = getRuntime();
	const readiness = await checkReadiness(db, ops.migrationsDir);
	if (readiness.ready) return json({ status: 'ready' }, { headers: { 'Cache-Control': 'no-store' } });
	if (readiness.reason !== 'draining') {
		logger.error({ event: 'readiness_failed', reason: readiness.reason, pending: readiness.pending }, 'not ready');
	}
	return json(
		{ status: 'unavailable', reason: readiness.reason },
		{ status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' } }
	);
}

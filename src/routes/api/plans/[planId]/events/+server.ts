import { canReadRegion, loadUserRoles } from '$lib/server/access';
import { subscribePlan } from '$lib/server/events';
import { getRuntime } from '$lib/server/runtime';
import { eventStream } from '$lib/server/sse';
import { readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * Server-Sent Events: one line per change of the plan (an action's fields, a
 * theme, the structure, an adoption cell), so open pages reload what changed.
 */
export const GET: RequestHandler = async ({ locals, params, request }) => {
	const { plan, user } = await readablePlan(locals, params.planId);
	const { db } = getRuntime();
	return eventStream({
		signal: request.signal,
		retryMs: 2000,
		owner: {
			userId: user.id,
			sessionId: locals.session!.id,
			stillAllowed: async () => canReadRegion(await loadUserRoles(db, user.id), plan.regionId)
		},
		start: (send) => subscribePlan(plan.id, send)
	});
};

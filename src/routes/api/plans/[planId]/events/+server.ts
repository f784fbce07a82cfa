import { getPlan } from '$lib/server/plan';
import { canReadRegion } from '$lib/server/access';
import { subscribePlan } from '$lib/server/events';
import { getRuntime } from '$lib/server/runtime';
import { eventStream } from '$lib/server/sse';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * Server-Sent Events: one line per change of the plan (an action's fields, a
 * theme, the structure, an adoption cell), so open pages reload what changed.
 */
export const GET: RequestHandler = async ({ locals, params, request }) => {
	const { roles } = await currentUser(locals);
	const plan = await getPlan(getRuntime().db, params.planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) notFound();
	return eventStream({
		signal: request.signal,
		retryMs: 2000,
		start: (send) => subscribePlan(plan.id, send)
	});
};

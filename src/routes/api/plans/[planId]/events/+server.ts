import { subscribePlan } from '$lib/server/events';
import { eventStream } from '$lib/server/sse';
import { readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * Server-Sent Events: one line per change of the plan (an action's fields, a
 * theme, the structure, an adoption cell), so open pages reload what changed.
 */
export const GET: RequestHandler = async ({ locals, params, request }) => {
	const { plan } = await readablePlan(locals, params.planId);
	return eventStream({
		signal: request.signal,
		retryMs: 2000,
		start: (send) => subscribePlan(plan.id, send)
	});
};

import { canReadRegion, loadUserRoles } from '$lib/server/access';
import { subscribePlan, subscribePresence } from '$lib/server/events';
import { streamPresence } from '$lib/server/plan-presence';
import { getRuntime } from '$lib/server/runtime';
import { eventStream } from '$lib/server/sse';
import { readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * Server-Sent Events: one line per change of the plan (an action's fields, a
 * theme, the structure, an adoption cell), so open pages reload what changed.
 * Besides, named `presence` events: who has a card or a theme's text of the
 * plan open now, per theme (for readers of the plan only, as the stream is).
 */
export const GET: RequestHandler = async ({ locals, params, request }) => {
	const { plan, user } = await readablePlan(locals, params.planId);
	const { db, logger } = getRuntime();
	return eventStream({
		signal: request.signal,
		retryMs: 2000,
		owner: {
			userId: user.id,
			sessionId: locals.session!.id,
			stillAllowed: async () => canReadRegion(await loadUserRoles(db, user.id), plan.regionId)
		},
		start: (send, sendEvent) => {
			const stopChanges = subscribePlan(plan.id, send);
			const stopPresence = streamPresence({
				db,
				planId: plan.id,
				read: () => getRuntime().collabPresence(plan.id),
				send: (presence) => sendEvent('presence', presence),
				onError: (err) => logger.error({ err, plan: plan.id }, 'plan presence failed'),
				subscribe: { presence: subscribePresence, plan: subscribePlan }
			});
			return () => {
				stopChanges();
				stopPresence();
			};
		}
	});
};

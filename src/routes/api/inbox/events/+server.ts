import { loadUserRoles } from '$lib/server/access';
import { subscribeUser } from '$lib/server/events';
import { getRuntime } from '$lib/server/runtime';
import { eventStream } from '$lib/server/sse';
import { inboxState } from '$lib/server/inbox';
import { currentUser } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * Server-Sent Events for the signed-in user's inbox: `{"unread": n, "latest": ms}` now and
 * after every change to their notifications, so the header's count follows
 * without a reload. Only the count travels, never who wrote what.
 */
export const GET: RequestHandler = async ({ locals, request }) => {
	const { user } = await currentUser(locals);
	const { db } = getRuntime();
	return eventStream({
		signal: request.signal,
		retryMs: 3000,
		// The inbox is the user's own: the session is the only right it needs.
		owner: { userId: user.id, sessionId: locals.session!.id, stillAllowed: async () => true },
		start: (send) => {
			const push = async () => {
				try {
					// roles are read again: a right taken away also takes its notifications out of the count
					send(await inboxState(db, { id: user.id, roles: await loadUserRoles(db, user.id) }));
				} catch {
					/* the next change sends the count again */
				}
			};
			void push();
			return subscribeUser(user.id, () => void push());
		}
	});
};

import { loadUserRoles } from '$lib/server/access';
import { subscribeUser } from '$lib/server/events';
import { getRuntime } from '$lib/server/runtime';
import { countUnread } from '$lib/server/thread';
import { currentUser } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * Server-Sent Events for the signed-in user's inbox: `{"unread": n}` now and
 * after every change to their notifications, so the header's count follows
 * without a reload. Only the count travels, never who wrote what.
 */
export const GET: RequestHandler = async ({ locals, request }) => {
	const { user } = await currentUser(locals);
	const { db } = getRuntime();
	const encoder = new TextEncoder();
	let cleanup = () => {};
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			let closed = false;
			const send = (text: string) => {
				if (closed) return;
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					cleanup();
				}
			};
			const push = async () => {
				try {
					// roles are read again: a right taken away also takes its notifications out of the count
					const unread = await countUnread(db, { id: user.id, roles: await loadUserRoles(db, user.id) });
					send(`data: ${JSON.stringify({ unread })}\n\n`);
				} catch {
					/* the next change sends the count again */
				}
			};
			send('retry: 3000\n\n');
			void push();
			const unsubscribe = subscribeUser(user.id, () => void push());
			const heartbeat = setInterval(() => send(': \n\n'), 25_000);
			cleanup = () => {
				closed = true;
				unsubscribe();
				clearInterval(heartbeat);
			};
			request.signal.addEventListener('abort', () => {
				cleanup();
				try {
					controller.close();
				} catch {
					/* already closed */
				}
			});
		},
		cancel() {
			cleanup();
		}
	});
	return new Response(stream, {
		headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' }
	});
};

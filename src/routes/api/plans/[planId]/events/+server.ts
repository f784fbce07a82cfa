import { getPlan } from '$lib/server/plan';
import { canReadRegion } from '$lib/server/access';
import { subscribePlan } from '$lib/server/events';
import { getRuntime } from '$lib/server/runtime';
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
	const encoder = new TextEncoder();
	let cleanup = () => {};
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (text: string) => {
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					cleanup();
				}
			};
			send('retry: 2000\n\n');
			const unsubscribe = subscribePlan(plan.id, (change) => send(`data: ${JSON.stringify(change)}\n\n`));
			const heartbeat = setInterval(() => send(': \n\n'), 25_000);
			cleanup = () => {
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

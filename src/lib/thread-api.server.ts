import { error, json } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publishPlanChange, publishUserChange } from '$lib/server/events';
import type { Changed, Refusal } from '$lib/server/thread';

/**
 * Glue between the thread endpoints and the domain: reading a JSON body,
 * turning a refusal into a status with a Dutch message, and announcing a
 * change on the live channels (ids only — never comment text).
 */

/** The request's JSON body; anything but `application/json` is refused, so a cross-site form cannot post here. */
export async function readJson(request: Request): Promise<unknown> {
	if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
		error(415, m.validation_bad_input());
	}
	try {
		return await request.json();
	} catch {
		error(400, m.validation_bad_input());
	}
}

export function badInput(message: string, errors: Record<string, string> = {}): Response {
	return json({ message, errors }, { status: 400 });
}

export function refused(refusal: Refusal): Response {
	if (refusal.reason === 'invalid') return badInput(m.comment_required());
	if (refusal.reason === 'forbidden') return json({ message: m.thread_forbidden() }, { status: 403 });
	return json({ message: m.thread_not_found() }, { status: 404 });
}

export function announce(change: Changed): void {
	publishPlanChange({ planId: change.planId, kind: 'thread', id: change.threadId, target: `${change.target.kind}:${change.target.id}` });
	for (const userId of change.notified) publishUserChange({ userId, kind: 'inbox' });
}

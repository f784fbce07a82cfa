import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { publishUserChange } from '$lib/server/events';
import { parseInput } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { countInboxUnread, listInbox, markRead, markThreadsRead } from '$lib/server/inbox';
import { badInput, readJson } from '$lib/thread-api.server';
import { currentUser } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** GET: my notifications (newest first) and how many are unread. */
export const GET: RequestHandler = async ({ locals }) => {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const actor = { id: user.id, roles };
	return json({ unread: await countInboxUnread(db, actor), notifications: await listInbox(db, actor) });
};

const Ids = v.pipe(v.array(v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/))), v.maxLength(500));
const MarkRead = v.union([v.object({ all: v.literal(true) }), v.object({ ids: Ids }), v.object({ threadIds: Ids })]);

/** POST `{ ids: [...] }`, `{ threadIds: [...] }` (threads I opened) or `{ all: true }`: marks my notifications read. */
export const POST: RequestHandler = async ({ locals, request }) => {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const parsed = parseInput(MarkRead, await readJson(request), m.validation_bad_input());
	if (!parsed.ok) return badInput(parsed.message);
	const input = parsed.data;
	if ('threadIds' in input) await markThreadsRead(db, user.id, input.threadIds);
	else await markRead(db, user.id, 'all' in input ? 'all' : input.ids);
	publishUserChange({ userId: user.id, kind: 'inbox' });
	return json({ unread: await countInboxUnread(db, { id: user.id, roles }) });
};

import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canReadRegion } from '$lib/server/access';
import { getRuntime } from '$lib/server/runtime';
import { createThread, getThread, listRegionReaders, listThreads, resolveTarget } from '$lib/server/thread';
import { announce, badInput, readJson, refused } from '$lib/thread-api.server';
import { NewThreadInput, ThreadListQuery } from '$lib/thread-input';
import { parseInput } from '$lib/server/forms';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * GET: the plan's threads with their comments, newest first;
 * `?status=open|resolved`, `?target=<kind>:<id>` narrow the list. `people`
 * are those who can read the plan: whom a comment may mention.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const query = v.safeParse(ThreadListQuery, Object.fromEntries(url.searchParams));
	if (!query.success) return badInput(m.validation_bad_input());
	const threads = await listThreads(db, { id: user.id, roles }, { planId: params.planId, ...query.output });
	if (!threads) notFound();
	const plan = await db.selectFrom('plans').select('region_id').where('id', '=', params.planId).executeTakeFirstOrThrow();
	return json({ threads, people: await listRegionReaders(db, plan.region_id) });
};

/** POST: starts a thread (JSON: target, body, optional anchor). Anyone who can read the target may. */
export const POST: RequestHandler = async ({ locals, params, request }) => {
	const { db, logger } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const parsed = parseInput(NewThreadInput, await readJson(request), m.validation_bad_input());
	if (!parsed.ok) return badInput(parsed.message, parsed.errors);
	const target = await resolveTarget(db, parsed.data.target);
	if (!target || target.planId !== params.planId || !canReadRegion(roles, target.regionId)) notFound();
	const actor = { id: user.id, roles };
	const result = await createThread(db, actor, parsed.data);
	if (!result.ok) return refused(result);
	logger.info({ event: 'thread_created', user: user.id, thread: result.threadId, target: `${target.kind}:${target.id}` }, 'thread created');
	announce(result);
	return json({ thread: await getThread(db, actor, result.threadId), message: m.thread_posted() }, { status: 201 });
};

import { json } from '@sveltejs/kit';
import { canReadRegion } from '$lib/server/access';
import { responsesForAction } from '$lib/server/responses';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** The council responses (zienswijzen) about one action, over its plan's versions (read-only JSON). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	if (!/^[a-z0-9]{1,40}$/.test(params.actionId)) notFound();
	const action = await db
		.selectFrom('actions as a')
		.innerJoin('plans as p', 'p.id', 'a.plan_id')
		.select(['a.id', 'p.region_id'])
		.where('a.id', '=', params.actionId)
		.executeTakeFirst();
	if (!action || !canReadRegion(roles, action.region_id)) notFound();
	return json({ responses: await responsesForAction(db, action.id) });
};

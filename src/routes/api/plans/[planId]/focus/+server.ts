import { json } from '@sveltejs/kit';
import { planAccess } from '$lib/server/adoption-access';
import { getFocus } from '$lib/server/focus';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** The plan's yearly focus: `{ focus: { "<year>": [ids of themes or actions] }, period }` (read-only JSON). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const access = await planAccess(db, roles, params.planId);
	if (!access) notFound();
	return json({ focus: await getFocus(db, access.plan.id), period: { start: access.plan.periodStart, end: access.plan.periodEnd } });
};

import { json } from '@sveltejs/kit';
import { canReadRegion } from '$lib/server/access';
import { getPlan } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { listVersions } from '$lib/server/version';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** The plan's adopted versions, newest first (read-only JSON). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const plan = await getPlan(db, params.planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) notFound();
	return json({ planId: plan.id, versions: await listVersions(db, plan.id) });
};

import { canReadRegion } from '$lib/server/access';
import { getBudget } from '$lib/server/budget';
import { getPlan } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const plan = await getPlan(db, params.planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) notFound();
	return { plan: { id: plan.id, title: plan.title }, budget: await getBudget(db, plan.id) };
};

import { getBudget } from '$lib/server/budget';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { plan } = await readablePlan(locals, params.planId);
	return { plan: { id: plan.id, title: plan.title }, budget: await getBudget(getRuntime().db, plan.id) };
};

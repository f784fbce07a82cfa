import { listIndicators } from '$lib/server/indicators';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { plan } = await readablePlan(locals, params.planId);
	return { plan: { id: plan.id, title: plan.title }, indicators: await listIndicators(getRuntime().db, plan.id) };
};

import { readablePlan } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { plan } = await readablePlan(locals, params.planId);
	return { plan: { id: plan.id, title: plan.title } };
};

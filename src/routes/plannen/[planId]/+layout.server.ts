import { canEditPlan } from '$lib/server/access';
import { readablePlan } from '$lib/route-helpers.server';
import type { LayoutServerLoad } from './$types';

/** What the plan's navigation bar needs on every view of the plan: 404 for a plan the user may not read. */
export const load: LayoutServerLoad = async ({ params, locals }) => {
	const { plan, roles } = await readablePlan(locals, params.planId);
	return { planNav: { id: plan.id, showMatrix: plan.scope === 'region', canEdit: canEditPlan(roles, plan) } };
};

import { closeAction } from '$lib/review-close.server';
import { loadCycleContext } from '$lib/review-context.server';
import { groupClosePlan } from '$lib/server/review-close';
import { loadClosePlan } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

/**
 * Before closing: what closing will do to each action, from the same plan
 * closeCycle carries out (review-close.ts). After closing: what it did, read
 * from the recorded decisions the same way.
 */
export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`review:${params.cycleId}`);
	const { db } = getRuntime();
	const { cycle, plan, access } = await loadCycleContext(locals, params.cycleId);
	const { plan: closePlan, decisions } = await loadClosePlan(db, cycle);
	const successorIds = decisions.map((d) => d.successorActionId).filter((id): id is string => !!id);
	const successors = successorIds.length ? await db.selectFrom('actions').select(['id', 'title']).where('id', 'in', successorIds).execute() : [];
	const successorOf = Object.fromEntries(
		decisions.filter((d) => d.successorActionId).map((d) => [d.actionId, successors.find((s) => s.id === d.successorActionId) ?? null])
	);
	return {
		cycle,
		plan: { id: plan.id, title: plan.title },
		access,
		groups: groupClosePlan(closePlan),
		undecided: closePlan.undecided.length,
		planKey: closePlan.key,
		successorOf,
		defaultLabel: `${plan.title} ${new Date().getFullYear()}, ter besluitvorming`
	};
};

export const actions: Actions = { close: closeAction };

import { loadCycleContext } from '$lib/review-context.server';
import { cycleOverview } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`review:${params.cycleId}`);
	const { cycle, plan } = await loadCycleContext(locals, params.cycleId);
	const overview = await cycleOverview(getRuntime().db, cycle);
	return {
		cycle,
		plan: { id: plan.id, title: plan.title, themeWord: plan.levels.theme },
		// Opinions stay in the session; the report shows reviews, tallies and decisions.
		items: overview.map(({ votes: _votes, ...rest }) => rest)
	};
};

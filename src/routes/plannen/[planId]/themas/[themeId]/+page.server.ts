import { ambassadorActions, themeAmbassadors } from '$lib/ambassadors.server';
import { getPlanOutline } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { user, roles } = await currentUser(locals);
	const outline = await getPlanOutline(getRuntime().db, params.planId, roles);
	const theme = outline?.chapters.flatMap((c) => c.themes).find((t) => t.id === params.themeId);
	if (!outline || !theme) notFound();
	return {
		plan: {
			id: outline.plan.id,
			title: outline.plan.title,
			levels: outline.plan.levels,
			themeSections: outline.plan.themeSections,
			scope: outline.plan.scope
		},
		theme,
		ambassadors: await themeAmbassadors(user.id, theme.id),
		me: { id: user.id, name: user.name, color: user.color }
	};
};

export const actions: Actions = ambassadorActions;

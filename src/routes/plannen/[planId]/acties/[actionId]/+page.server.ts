import { getActionContext } from '$lib/server/plan';
import { visibleFields } from '$lib/server/plan-settings';
import { getActionHistory } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import { readingChosen } from '$lib/reading-view';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, request }) => {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const context = await getActionContext(db, params.actionId, roles);
	if (!context || context.plan.id !== params.planId) notFound();
	const municipalities = await db
		.selectFrom('municipalities')
		.select(['id', 'name'])
		.where('region_id', '=', context.plan.regionId)
		.orderBy('name')
		.execute();
	const history = await getActionHistory(db, context.action.id);
	return {
		history,
		action: context.action,
		theme: context.theme,
		plan: {
			id: context.plan.id,
			title: context.plan.title,
			scope: context.plan.scope,
			levels: context.plan.levels,
			// hidden fields keep their text in the document but are not shown on the card
			cardTemplate: visibleFields(context.plan.cardTemplate),
			municipalityName: context.plan.municipalityName,
			regionName: context.plan.regionName,
			periodStart: context.plan.periodStart,
			periodEnd: context.plan.periodEnd
		},
		canEdit: context.canEdit,
		archived: context.archived,
		canRestore: context.canRestore,
		fundingSources: context.fundingSources,
		municipalities,
		me: { id: user.id, name: user.name, color: user.color },
		/** this person chose the reading view in this browser (readers always get it) */
		readingChosen: readingChosen(request.headers.get('cookie'), user.id)
	};
};

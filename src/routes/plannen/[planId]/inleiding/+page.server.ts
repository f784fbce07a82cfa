import { docName } from '$lib/doc-name';
import { canEditPlan } from '$lib/server/access';
import { readablePlan } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { user, plan, roles } = await readablePlan(locals, params.planId);
	return {
		plan: { id: plan.id, title: plan.title },
		documentName: docName({ kind: 'plan', id: plan.id }),
		canEdit: canEditPlan(roles, plan),
		me: { id: user.id, name: user.name, color: user.color }
	};
};

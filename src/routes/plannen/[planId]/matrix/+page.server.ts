import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { STATUSES } from '$lib/action-doc';
import { m } from '$lib/paraglide/messages';
import { canEditAdoption, canReadRegion } from '$lib/server/access';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { getMatrix, getPlan, setAdoption } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound, readablePlan } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { plan, roles } = await readablePlan(locals, params.planId);
	return { plan: { id: plan.id, title: plan.title, levels: plan.levels }, matrix: await getMatrix(getRuntime().db, plan, roles) };
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));

export const actions: Actions = {
	setStatus: async ({ request, params, locals }) => {
		const { db, logger } = getRuntime();
		const { user, roles } = await currentUser(locals);
		const parsed = parseInput(
			v.object({ actionId: Id, municipalityId: Id, status: v.picklist(STATUSES, () => m.validation_bad_input()) }),
			formToObject(await request.formData()),
			m.validation_bad_input()
		);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const plan = await getPlan(db, params.planId);
		if (!plan || !canReadRegion(roles, plan.regionId)) notFound();
		const { actionId, municipalityId, status } = parsed.data;
		const [action, municipality] = await Promise.all([
			db.selectFrom('actions').select(['plan_id', 'level', 'title']).where('id', '=', actionId).where('archived_at', 'is', null).executeTakeFirst(),
			db.selectFrom('municipalities').select(['region_id', 'name']).where('id', '=', municipalityId).executeTakeFirst()
		]);
		if (!action || action.plan_id !== plan.id || action.level !== 'local' || municipality?.region_id !== plan.regionId) {
			return fail(400, { message: m.validation_bad_input() });
		}
		if (!canEditAdoption(roles, plan.regionId, municipalityId)) {
			logger.warn({ event: 'adoption_refused', user: user.id, municipality: municipalityId }, 'adoption change refused');
			return fail(403, { message: m.error_no_edit_right() });
		}
		await setAdoption(db, { actionId, municipalityId, status, userId: user.id });
		publishPlanChange({ planId: plan.id, kind: 'adoption', id: `${actionId}:${municipalityId}` });
		return { saved: true, message: m.matrix_saved({ municipality: municipality.name, action: action.title }) };
	}
};

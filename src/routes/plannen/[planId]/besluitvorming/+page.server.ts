import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { freezeVersion, planStatus, versionsWithStatus } from '$lib/server/adoption';
import { planAccess } from '$lib/server/adoption-access';
import { recordAudit } from '$lib/server/audit';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const access = await planAccess(db, roles, params.planId);
	if (!access) notFound();
	const { plan, canEdit } = access;
	return {
		plan: { id: plan.id, title: plan.title, periodStart: plan.periodStart, periodEnd: plan.periodEnd },
		status: await planStatus(db, plan.id),
		versions: await versionsWithStatus(db, plan.id),
		canEdit,
		defaultLabel: m.adoption_freeze_default({ title: plan.title, year: new Date().getFullYear() })
	};
};

const FreezeInput = v.object({
	label: v.pipe(v.string(), v.trim(), v.minLength(1, m.adoption_error_label()), v.maxLength(200, m.adoption_error_label()))
});

export const actions: Actions = {
	/** An editor freezes the plan as it is now, for the colleges to decide on. */
	freeze: async ({ request, params, locals, getClientAddress }) => {
		const runtime = getRuntime();
		const { user, roles } = await currentUser(locals);
		const access = await planAccess(runtime.db, roles, params.planId);
		if (!access) return fail(404, { message: m.validation_bad_input() });
		if (!access.canEdit) {
			runtime.logger.warn({ event: 'version_freeze_refused', user: user.id, plan: params.planId }, 'freezing refused');
			return fail(403, { message: m.adoption_error_rights() });
		}
		const parsed = parseInput(FreezeInput, formToObject(await request.formData()), m.adoption_error_label());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const versionId = await freezeVersion(runtime.db, runtime.readDocument, { planId: access.plan.id, label: parsed.data.label, userId: user.id });
		if (!versionId) return fail(404, { message: m.validation_bad_input() });
		await recordAudit(runtime.db, {
			action: 'version.adopted',
			actor: user,
			regionId: access.plan.regionId,
			object: { type: 'version', id: versionId, label: `${access.plan.title} — ${parsed.data.label}` },
			origin: getClientAddress(),
			detail: { frozen: 'for_decision' }
		});
		runtime.logger.info({ event: 'version_frozen', user: user.id, plan: access.plan.id, version: versionId }, 'version frozen for decision-making');
		publishPlanChange({ planId: access.plan.id, kind: 'structure' });
		redirect(303, `/versies/${versionId}/besluiten`);
	}
};

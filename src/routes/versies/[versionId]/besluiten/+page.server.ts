import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { ADOPTION_DECISIONS, adoptionTable, recordAdoption, removeAdoption, type AdoptionError } from '$lib/server/adoption';
import { versionAccess } from '$lib/server/adoption-access';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const access = await versionAccess(db, roles, params.versionId);
	if (!access) notFound();
	const table = await adoptionTable(db, access.version.id);
	if (!table) notFound();
	return {
		version: access.version,
		plan: { id: access.plan.id, title: access.plan.title, periodStart: access.plan.periodStart, periodEnd: access.plan.periodEnd },
		rows: table.rows,
		summary: table.summary,
		canEdit: access.canEdit
	};
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
const AdoptionInput = v.object({
	municipalityId: Id,
	decision: v.picklist(ADOPTION_DECISIONS, m.adoption_error_decision()),
	decidedOn: v.pipe(v.string(), v.trim(), v.regex(/^\d{4}-\d{2}-\d{2}$/, m.adoption_error_date())),
	reference: v.pipe(v.string(), v.trim(), v.maxLength(200, m.adoption_error_reference())),
	documentUrl: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.maxLength(1000, m.adoption_error_url()),
			v.check((s) => s === '' || /^https?:\/\/[^\s]+$/i.test(s), m.adoption_error_url())
		),
		''
	),
	councilInformed: v.optional(v.literal('on'))
});
const RemoveInput = v.object({ municipalityId: Id });

function errorMessage(error: AdoptionError, period: { start: number; end: number }): string {
	if (error === 'date_outside_period') return m.adoption_error_period({ start: period.start, end: period.end });
	if (error === 'bad_date') return m.adoption_error_date();
	return m.adoption_error_municipality();
}

async function editable(locals: App.Locals, versionId: string) {
	const runtime = getRuntime();
	const { user, roles } = await currentUser(locals);
	const access = await versionAccess(runtime.db, roles, versionId);
	if (!access) return { refused: fail(404, { message: m.validation_bad_input() }) } as const;
	if (!access.canEdit) {
		runtime.logger.warn({ event: 'adoption_refused', user: user.id, version: access.version.id }, 'adoption change refused');
		return { refused: fail(403, { message: m.adoption_error_rights() }) } as const;
	}
	return { access, user } as const;
}

export const actions: Actions = {
	record: async ({ request, params, locals }) => {
		const found = await editable(locals, params.versionId);
		if ('refused' in found) return found.refused;
		const { access, user } = found;
		const parsed = parseInput(AdoptionInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const d = parsed.data;
		const { db, logger } = getRuntime();
		const result = await recordAdoption(db, {
			versionId: access.version.id,
			municipalityId: d.municipalityId,
			decision: d.decision,
			decidedOn: d.decidedOn,
			reference: d.reference,
			documentUrl: d.documentUrl ? d.documentUrl : null,
			councilInformed: d.councilInformed === 'on',
			userId: user.id
		});
		if (!result.ok) return fail(400, { message: errorMessage(result.error, { start: access.plan.periodStart, end: access.plan.periodEnd }) });
		logger.info({ event: 'adoption_recorded', user: user.id, version: access.version.id, decision: d.decision }, 'college decision recorded');
		publishPlanChange({ planId: access.plan.id, kind: 'structure' });
		return { ok: true, message: m.adoption_recorded() };
	},
	remove: async ({ request, params, locals }) => {
		const found = await editable(locals, params.versionId);
		if ('refused' in found) return found.refused;
		const parsed = parseInput(RemoveInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		if (!(await removeAdoption(getRuntime().db, found.access.version.id, parsed.data.municipalityId))) return fail(400, { message: m.validation_bad_input() });
		return { ok: true, message: m.adoption_removed() };
	}
};

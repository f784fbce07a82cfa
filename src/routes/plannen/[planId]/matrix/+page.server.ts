import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { STATUSES } from '$lib/action-doc';
import { m } from '$lib/paraglide/messages';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { clearFlag, getLocalMatrix, NOTE_MAX, saveReport, type ReportError } from '$lib/server/local-report';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, readablePlan } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends, url }) => {
	depends(`plan:${params.planId}`);
	const { plan, roles } = await readablePlan(locals, params.planId);
	const matrix = await getLocalMatrix(getRuntime().db, plan, roles);
	// "Mijn gemeente": the gemeenten the user is redacteur of; a region admin picks one (?gemeente=<slug>)
	const own = matrix.municipalities.filter((mu) => roles.municipalEditor.has(mu.id));
	const isAdmin = roles.regionRoles.get(plan.regionId) === 'admin';
	const view = url.searchParams.get('weergave') === 'mijn' ? 'mine' : 'all';
	const picked = url.searchParams.get('gemeente');
	const mine = isAdmin && picked ? matrix.municipalities.filter((mu) => mu.slug === picked) : own;
	return {
		plan: { id: plan.id, title: plan.title, levels: plan.levels, scope: plan.scope },
		matrix,
		view,
		mine: mine.map((mu) => mu.id),
		canPick: isAdmin,
		picked: isAdmin ? picked : null,
		noteMax: NOTE_MAX
	};
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));

function reportMessage(error: ReportError): { status: 400 | 403 | 404; message: string } {
	switch (error) {
		case 'forbidden':
			return { status: 403, message: m.local_report_error_forbidden() };
		case 'note_too_long':
			return { status: 400, message: m.local_report_error_too_long({ max: NOTE_MAX }) };
		case 'not_local':
			return { status: 400, message: m.local_report_error_not_local() };
		default:
			return { status: 404, message: m.validation_bad_input() };
	}
}

/**
 * Both actions take a gemeente's report on one local action; `report` also
 * takes its note (from the card, the gemeente page and "mijn gemeente"),
 * `setStatus` only the status (the matrix's select).
 */
async function report({ request, params, locals }: { request: Request; params: { planId: string }; locals: App.Locals }, withNote: boolean) {
	const { db, logger } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const parsed = parseInput(
		v.object({
			actionId: Id,
			municipalityId: Id,
			status: v.picklist(STATUSES, () => m.validation_bad_input()),
			// the length is checked by the rule (NOTE_MAX, after trimming); this only keeps absurd bodies out
			note: withNote ? v.pipe(v.string(), v.maxLength(NOTE_MAX * 4, () => m.local_report_error_too_long({ max: NOTE_MAX }))) : v.optional(v.string())
		}),
		formToObject(await request.formData()),
		m.validation_bad_input()
	);
	if (!parsed.ok) return fail(400, { message: parsed.message, actionId: null as string | null });
	const { actionId, municipalityId, status, note } = parsed.data;
	const result = await saveReport(db, roles, { planId: params.planId, actionId, municipalityId, status, note: withNote ? note : undefined, userId: user.id });
	if (!result.ok) {
		if (result.error === 'forbidden') logger.warn({ event: 'adoption_refused', user: user.id, municipality: municipalityId }, 'adoption change refused');
		const { status: code, message } = reportMessage(result.error);
		return fail(code, { message, actionId });
	}
	if (result.changed) publishPlanChange({ planId: params.planId, kind: 'adoption', id: `${actionId}:${municipalityId}` });
	return {
		saved: true,
		actionId,
		message: !result.changed
			? m.local_report_unchanged()
			: withNote
				? m.local_report_saved({ municipality: result.municipalityName, action: result.actionTitle })
				: m.matrix_saved({ municipality: result.municipalityName, action: result.actionTitle })
	};
}

export const actions: Actions = {
	setStatus: (event) => report(event, false),
	report: (event) => report(event, true),
	/** takes the "versterken" flag off an action (its editors only) */
	clearFlag: async ({ request, params, locals }) => {
		const { db, logger } = getRuntime();
		const { user, roles } = await currentUser(locals);
		const parsed = parseInput(v.object({ actionId: Id }), formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message, actionId: null as string | null });
		const result = await clearFlag(db, roles, { planId: params.planId, actionId: parsed.data.actionId, userId: user.id });
		if (!result.ok) {
			if (result.error === 'forbidden') {
				logger.warn({ event: 'flag_clear_refused', user: user.id, action: parsed.data.actionId }, 'flag clear refused');
				return fail(403, { message: m.successor_flag_forbidden(), actionId: parsed.data.actionId });
			}
			if (result.error === 'not_flagged') return fail(400, { message: m.successor_flag_gone(), actionId: parsed.data.actionId });
			return fail(404, { message: m.validation_bad_input(), actionId: parsed.data.actionId });
		}
		publishPlanChange({ planId: params.planId, kind: 'action', id: parsed.data.actionId });
		return { saved: true, actionId: parsed.data.actionId, message: m.successor_flag_cleared() };
	}
};

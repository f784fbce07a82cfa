import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { planAccess } from '$lib/server/adoption-access';
import { publishPlanChange } from '$lib/server/events';
import { getFocus, proposeFocus, setFocus, type FocusError } from '$lib/server/focus';
import { formToObject, parseInput } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

/** The year shown: ?jaar= when within the period, else this year clamped to it. */
function chosenYear(param: string | null, period: { start: number; end: number }): number {
	const asked = Number(param);
	if (Number.isInteger(asked) && asked >= period.start && asked <= period.end) return asked;
	return Math.min(Math.max(new Date().getFullYear(), period.start), period.end);
}

export const load: PageServerLoad = async ({ params, locals, url, depends }) => {
	depends(`plan:${params.planId}`);
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const access = await planAccess(db, roles, params.planId);
	if (!access) notFound();
	const { plan } = access;
	const year = chosenYear(url.searchParams.get('jaar'), { start: plan.periodStart, end: plan.periodEnd });
	const [focus, themes, actions, proposal] = await Promise.all([
		getFocus(db, plan.id),
		db.selectFrom('themes').select(['id', 'number', 'title']).where('plan_id', '=', plan.id).where('archived_at', 'is', null).orderBy('position').execute(),
		db.selectFrom('actions').select(['id', 'theme_id', 'title']).where('plan_id', '=', plan.id).where('archived_at', 'is', null).orderBy('position').execute(),
		proposeFocus(db, plan.id)
	]);
	const years: number[] = [];
	for (let y = plan.periodStart; y <= plan.periodEnd; y++) years.push(y);
	const titles = new Map([...themes.map((t) => [t.id, t.title] as const), ...actions.map((a) => [a.id, a.title] as const)]);
	return {
		plan: { id: plan.id, title: plan.title, themeWord: plan.levels.theme, themeWordPlural: plan.levels.themePlural },
		year,
		years,
		focus,
		targets: themes.map((t) => ({ ...t, actions: actions.filter((a) => a.theme_id === t.id).map((a) => ({ id: a.id, title: a.title })) })),
		proposal:
			proposal && proposal.year >= plan.periodStart && proposal.year <= plan.periodEnd
				? { ...proposal, titles: proposal.ids.map((id) => titles.get(id) ?? id) }
				: null,
		canEdit: access.canEdit
	};
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
const Year = v.pipe(v.string(), v.regex(/^\d{4}$/, m.focus_error_year_plain()), v.transform(Number));
const SaveInput = v.object({ year: Year, ids: v.pipe(v.array(Id), v.maxLength(500, m.validation_bad_input())) });
const ProposalInput = v.object({ cycleId: Id });

function errorMessage(error: FocusError, period: { start: number; end: number }): string {
	if (error === 'year_outside_period') return m.focus_error_year({ start: period.start, end: period.end });
	if (error === 'foreign_target') return m.focus_error_foreign();
	return m.validation_bad_input();
}

async function editable(locals: App.Locals, planId: string) {
	const runtime = getRuntime();
	const { user, roles } = await currentUser(locals);
	const access = await planAccess(runtime.db, roles, planId);
	if (!access) return { refused: fail(404, { message: m.validation_bad_input() }) } as const;
	if (!access.canEdit) {
		runtime.logger.warn({ event: 'focus_refused', user: user.id, plan: access.plan.id }, 'focus change refused');
		return { refused: fail(403, { message: m.adoption_error_rights() }) } as const;
	}
	return { access, user } as const;
}

export const actions: Actions = {
	save: async ({ request, params, locals }) => {
		const found = await editable(locals, params.planId);
		if ('refused' in found) return found.refused;
		const form = await request.formData();
		const parsed = parseInput(SaveInput, { ...formToObject(form), ids: form.getAll('ids').filter((x) => typeof x === 'string') }, m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const { plan } = found.access;
		const result = await setFocus(getRuntime().db, { planId: plan.id, year: parsed.data.year, ids: parsed.data.ids });
		if (!result.ok) return fail(400, { message: errorMessage(result.error, { start: plan.periodStart, end: plan.periodEnd }) });
		getRuntime().logger.info({ event: 'focus_set', user: found.user.id, plan: plan.id, year: parsed.data.year, count: parsed.data.ids.length }, 'focus set');
		publishPlanChange({ planId: plan.id, kind: 'structure' });
		return { ok: true, message: m.focus_saved({ year: parsed.data.year }) };
	},
	/** Takes over the latest evaluation's proposal as that next year's focus. */
	propose: async ({ request, params, locals }) => {
		const found = await editable(locals, params.planId);
		if ('refused' in found) return found.refused;
		const parsed = parseInput(ProposalInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const { db } = getRuntime();
		const { plan } = found.access;
		const proposal = await proposeFocus(db, plan.id);
		if (!proposal || proposal.cycleId !== parsed.data.cycleId) return fail(400, { message: m.focus_error_proposal() });
		const result = await setFocus(db, { planId: plan.id, year: proposal.year, ids: proposal.ids });
		if (!result.ok) return fail(400, { message: errorMessage(result.error, { start: plan.periodStart, end: plan.periodEnd }) });
		publishPlanChange({ planId: plan.id, kind: 'structure' });
		return { ok: true, message: m.focus_saved({ year: proposal.year }) };
	}
};

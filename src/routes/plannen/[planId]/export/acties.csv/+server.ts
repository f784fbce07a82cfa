import { m } from '$lib/paraglide/messages';
import { csvResponse } from '$lib/plan-export.server';
import { readablePlan } from '$lib/route-helpers.server';
import { exportActions, visibleCardTexts } from '$lib/server/export';
import { focusSet, inFocus } from '$lib/server/focus';
import { recordAudit } from '$lib/server/audit';
import { getRuntime } from '$lib/server/runtime';
import { statusLabel } from '$lib/status';
import type { RequestHandler } from './$types';

/** GET: the plan's actions as CSV (one row per action, the card's text in the last column). */
export const GET: RequestHandler = async ({ locals, params, url, getClientAddress }) => {
	const { plan, user } = await readablePlan(locals, params.planId);
	// ?focus=<year>: only the actions in that year's focus (themselves or their theme)
	const focusYear = Number(url.searchParams.get('focus'));
	const focus = Number.isInteger(focusYear) && focusYear > 0 ? await focusSet(getRuntime().db, plan.id, focusYear) : null;
	const actions = (await exportActions(getRuntime().db, plan.id)).filter((a) => !focus || inFocus({ id: a.id, themeId: a.themeId }, focus));
	// the card's text without the fields hidden in the plan's card template
	const texts = await visibleCardTexts(getRuntime().db, plan, (name) => getRuntime().readDocument(name));
	const month = (value: string | null) => (value === 'ongoing' ? m.status_ongoing() : (value ?? ''));
	await recordAudit(getRuntime().db, {
		action: 'export.downloaded',
		actor: user,
		regionId: plan.regionId,
		object: { type: 'plan', id: plan.id, label: plan.title },
		origin: getClientAddress(),
		detail: { file: 'acties.csv' }
	});
	return csvResponse(plan, 'acties', [
		[
			m.export_col_chapter(),
			m.export_col_number(),
			m.export_col_theme(),
			m.export_col_level(),
			m.export_col_action(),
			m.export_col_status(),
			m.export_col_start(),
			m.export_col_end(),
			m.export_col_lead(),
			m.export_col_municipality(),
			m.export_col_cost(),
			m.export_col_funding(),
			m.export_col_progress(),
			m.export_col_text()
		],
		...actions.map((a) => [
			a.chapter,
			a.themeNumber,
			a.theme,
			a.level === 'regional' ? m.plan_level_regional() : m.plan_level_local(),
			a.title,
			statusLabel(a.status),
			month(a.planningStart),
			month(a.planningEnd),
			a.lead,
			a.municipality,
			a.cost,
			a.funding,
			a.progress,
			texts.get(a.id) ?? ''
		])
	]);
};

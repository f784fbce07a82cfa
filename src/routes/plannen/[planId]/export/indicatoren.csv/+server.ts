import { m } from '$lib/paraglide/messages';
import { csvResponse } from '$lib/plan-export.server';
import { readablePlan } from '$lib/route-helpers.server';
import { exportIndicatorValues } from '$lib/server/export';
import { recordAudit } from '$lib/server/audit';
import { getRuntime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/** GET: the plan's indicator values as CSV (one row per value, per year and gemeente or subregion). */
export const GET: RequestHandler = async ({ locals, params, getClientAddress }) => {
	const { plan, user } = await readablePlan(locals, params.planId);
	const values = await exportIndicatorValues(getRuntime().db, plan.id);
	await recordAudit(getRuntime().db, {
		action: 'export.downloaded',
		actor: user,
		regionId: plan.regionId,
		object: { type: 'plan', id: plan.id, label: plan.title },
		origin: getClientAddress(),
		detail: { file: 'indicatoren.csv' }
	});
	return csvResponse(plan, 'indicatoren', [
		[m.export_col_indicator(), m.export_col_unit(), m.export_col_source(), m.export_col_year(), m.export_col_municipality(), m.export_col_subregion(), m.export_col_value()],
		...values.map((v) => [v.name, v.unit, v.source, v.year, v.municipality, v.subregion, v.value])
	]);
};

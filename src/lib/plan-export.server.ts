import { canReadRegion } from '$lib/server/access';
import { getPlan, type PlanRow } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { CSV_TYPE, fileSlug, toCsv } from '$lib/csv';
import { currentUser, notFound } from '$lib/route-helpers.server';

/** The plan of an export URL, for a reader of its region; 404 otherwise. */
export async function exportPlan(locals: App.Locals, planId: string): Promise<PlanRow> {
	const { roles } = await currentUser(locals);
	const plan = await getPlan(getRuntime().db, planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) notFound();
	return plan;
}

/** A CSV download named after the plan. */
export function csvResponse(plan: PlanRow, what: string, rows: (string | number | null)[][]): Response {
	return new Response(toCsv(rows), {
		headers: {
			'Content-Type': CSV_TYPE,
			'Content-Disposition': `attachment; filename="${fileSlug(plan.title)}-${what}.csv"`,
			'Cache-Control': 'private, no-store'
		}
	});
}

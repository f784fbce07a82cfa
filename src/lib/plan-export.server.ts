import type { PlanRow } from '$lib/server/plan';
import { CSV_TYPE, fileSlug, toCsv } from '$lib/csv';

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

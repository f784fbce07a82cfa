import { json } from '@sveltejs/kit';
import { getMatrix } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** The local-action matrix: local actions × gemeenten, each cell a status. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { plan, roles } = await readablePlan(locals, params.planId);
	const matrix = await getMatrix(db, plan, roles);
	return json({
		planId: plan.id,
		municipalities: matrix.municipalities,
		rows: matrix.rows.map((r) => ({
			actionId: r.actionId,
			title: r.title,
			theme: r.themeTitle,
			cells: Object.fromEntries(Object.entries(r.cells).map(([id, c]) => [id, { status: c.status, note: c.note }]))
		}))
	});
};

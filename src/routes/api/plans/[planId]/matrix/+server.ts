import { json } from '@sveltejs/kit';
import { getPlan, getMatrix } from '$lib/server/plan';
import { canReadRegion } from '$lib/server/access';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** The local-action matrix: local actions × gemeenten, each cell a status. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { roles } = await currentUser(locals);
	const { db } = getRuntime();
	const plan = await getPlan(db, params.planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) notFound();
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

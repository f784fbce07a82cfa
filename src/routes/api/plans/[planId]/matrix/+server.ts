import { json } from '@sveltejs/kit';
import { getLocalMatrix } from '$lib/server/local-report';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * The local-action matrix: local actions × gemeenten, each cell a status and
 * a note. A cell nobody reported on says `reported: false` (its status is
 * then the placeholder "not_started", its note empty).
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { plan, roles } = await readablePlan(locals, params.planId);
	const matrix = await getLocalMatrix(db, plan, roles);
	return json({
		planId: plan.id,
		municipalities: matrix.municipalities.map((mu) => ({ id: mu.id, name: mu.name, slug: mu.slug })),
		rows: matrix.rows.map((r) => ({
			actionId: r.actionId,
			title: r.title,
			theme: r.themeTitle,
			cells: Object.fromEntries(
				r.reports.map((c) => [
					c.municipalityId,
					{
						status: c.status ?? 'not_started',
						note: c.note ?? '',
						reported: c.status !== null,
						updatedAt: c.updatedAt,
						noteUpdatedAt: c.noteUpdatedAt,
						noteAuthor: c.noteAuthor
					}
				])
			)
		}))
	});
};

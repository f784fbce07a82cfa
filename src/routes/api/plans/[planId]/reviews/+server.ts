import { json } from '@sveltejs/kit';
import { listCycles } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** The plan's review cycles (read-only JSON). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { plan } = await readablePlan(locals, params.planId);
	const cycles = await listCycles(db, plan.id);
	return json({
		planId: plan.id,
		reviews: cycles.map((c) => ({
			id: c.id,
			year: c.year,
			title: c.title,
			status: c.status,
			facilitator: c.facilitatorName,
			sessionDate: c.sessionDate,
			prepDeadline: c.prepDeadline,
			versionId: c.versionId,
			openedAt: c.openedAt,
			closedAt: c.closedAt
		}))
	});
};

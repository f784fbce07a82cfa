import { json } from '@sveltejs/kit';
import { canReadRegion } from '$lib/server/access';
import { getPlan } from '$lib/server/plan';
import { listCycles } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** The plan's review cycles (read-only JSON). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const plan = await getPlan(db, params.planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) notFound();
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

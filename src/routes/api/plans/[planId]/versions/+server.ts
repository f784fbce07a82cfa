import { json } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { listVersions } from '$lib/server/version';
import { readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** The plan's adopted versions, newest first (read-only JSON). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { plan } = await readablePlan(locals, params.planId);
	return json({ planId: plan.id, versions: await listVersions(db, plan.id) });
};

import { json } from '@sveltejs/kit';
import { getCarriedOut, NOTE_MAX } from '$lib/server/local-report';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * A gemeente's local plan that carries out a regional plan: that plan's
 * local actions with this gemeente's own status and note. `carriedOut: null`
 * for any other plan.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { plan, roles } = await readablePlan(locals, params.planId);
	const carriedOut = await getCarriedOut(getRuntime().db, plan, roles);
	return json({ planId: plan.id, noteMax: NOTE_MAX, carriedOut }, { headers: { 'Cache-Control': 'private, no-store' } });
};

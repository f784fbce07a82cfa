import { json } from '@sveltejs/kit';
import { getActionReports, getNextYear, NOTE_MAX } from '$lib/server/local-report';
import { getRuntime } from '$lib/server/runtime';
import { notFound, readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * What an action card shows of local reporting and next year's text: every
 * gemeente's status and note (local actions of a regional plan only, else
 * `reports: null`), which of them the user may write, the "versterken" flag
 * and the renewed action's links.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { plan, roles } = await readablePlan(locals, params.planId);
	const action = await db.selectFrom('actions').select(['id', 'plan_id']).where('id', '=', params.actionId).executeTakeFirst();
	if (!action || action.plan_id !== plan.id) notFound();
	const [reports, nextYear] = await Promise.all([getActionReports(db, action.id, roles), getNextYear(db, action.id, roles)]);
	return json({ actionId: action.id, noteMax: NOTE_MAX, reports: reports?.reports ?? null, nextYear }, { headers: { 'Cache-Control': 'private, no-store' } });
};

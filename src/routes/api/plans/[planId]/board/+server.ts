import { json } from '@sveltejs/kit';
import { STATUSES } from '$lib/action-doc';
import { getBoard, monthOf, parseBoardFilter } from '$lib/server/board';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * The status board as JSON (read-only): themes with their actions grouped by
 * status, and the roll-up per theme and for the plan. Takes the board page's
 * filters (`thema`, `niveau`, `gemeente`, `trekker`, `doelgroep`, `jaar`,
 * `mijn=1`); dropped actions are always included here.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const { user, roles } = await currentUser(locals);
	const board = await getBoard(getRuntime().db, {
		planId: params.planId,
		roles,
		userId: user.id,
		userName: user.name,
		filter: { ...parseBoardFilter(url.searchParams), showDropped: true },
		today: monthOf(new Date())
	});
	if (!board) notFound();
	const { plan, filter, today, lanes, rollUp, municipalities } = board;
	return json({
		planId: plan.id,
		title: plan.title,
		today,
		filter,
		statuses: STATUSES,
		rollUp,
		themes: lanes.map((lane) => ({
			id: lane.id,
			number: lane.number,
			title: lane.title,
			canEdit: lane.canEdit,
			rollUp: lane.rollUp,
			actions: Object.fromEntries(
				STATUSES.map((status) => [
					status,
					lane.columns[status].map((c) => ({
						id: c.id,
						title: c.title,
						status: c.status,
						level: c.level,
						lead: c.lead,
						planning: { start: c.planningStart, end: c.planningEnd },
						tags: c.tags,
						overdue: c.overdue,
						openThreads: c.openThreads,
						adoption: c.adoption,
						localStatus: c.localStatus,
						documentName: c.documentName
					}))
				])
			)
		})),
		municipalities: municipalities.map(({ id, slug, name, active, total, percent }) => ({ id, slug, name, active, total, percent }))
	});
};

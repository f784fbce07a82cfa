import { json } from '@sveltejs/kit';
import { canEditPlan } from '$lib/server/access';
import { listArchive } from '$lib/server/archive';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** A plan's archived chapters, themes and actions, with who archived them and when (readers of the region). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { plan, roles } = await readablePlan(locals, params.planId);
	const archive = await listArchive(getRuntime().db, plan.id);
	const item = (i: (typeof archive.actions)[number]) => ({
		id: i.id,
		title: i.title,
		context: i.context,
		archivedAt: new Date(i.archivedAt).toISOString(),
		archivedBy: i.archivedBy,
		restorable: i.blockedBy === null,
		blockedBy: i.blockedBy
	});
	return json({
		planId: plan.id,
		canRestore: canEditPlan(roles, plan),
		chapters: archive.chapters.map(item),
		themes: archive.themes.map(item),
		actions: archive.actions.map(item)
	});
};

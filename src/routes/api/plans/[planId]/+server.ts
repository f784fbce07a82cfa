import { json } from '@sveltejs/kit';
import { getPlanOutline } from '$lib/server/plan';
import { planStatus } from '$lib/server/adoption';
import { getFocus } from '$lib/server/focus';
import { listPlanReports } from '$lib/server/local-report';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** One plan with its chapters, themes and actions (read-only JSON). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { roles } = await currentUser(locals);
	const outline = await getPlanOutline(getRuntime().db, params.planId, roles);
	if (!outline) notFound();
	const { plan } = outline;
	// per local action of a regional plan: every gemeente of the region, null where it has not reported
	const reports = await listPlanReports(getRuntime().db, plan, roles);
	const [status, focus] = await Promise.all([planStatus(getRuntime().db, plan.id), getFocus(getRuntime().db, plan.id)]);
	return json({
		id: plan.id,
		title: plan.title,
		subtitle: plan.subtitle,
		kind: plan.kind,
		scope: plan.scope,
		region: { id: plan.regionId, name: plan.regionName },
		municipality: plan.municipalityId ? { id: plan.municipalityId, name: plan.municipalityName } : null,
		period: { start: plan.periodStart, end: plan.periodEnd },
		status,
		focus,
		levels: plan.levels,
		cardTemplate: plan.cardTemplate.map((f) => ({ key: f.key, label: f.label, hidden: f.hidden === true })),
		documentName: outline.documentName,
		chapters: outline.chapters.map((c) => ({
			id: c.id,
			title: c.title,
			themes: c.themes.map((t) => ({
				id: t.id,
				number: t.number,
				title: t.title,
				documentName: t.documentName,
				ambassadors: t.ambassadors.map((a) => ({ name: a.name, municipality: a.municipalityName, organisation: a.organisation })),
				actions: t.actions.map((a) => ({
					id: a.id,
					title: a.title,
					status: a.status,
					level: a.level,
					documentName: a.documentName,
					planning: { start: a.planningStart, end: a.planningEnd },
					cost: { amount: a.costAmount, fundingSourceId: a.fundingSourceId },
					lead: a.lead,
					municipalityId: a.municipalityId,
					progress: a.progress,
					adoption: a.adoption,
					flagged: a.flagged === true,
					...(reports.has(a.id)
						? {
								adoptions: reports.get(a.id)!.map((r) => ({
									municipalityId: r.municipalityId,
									municipalityName: r.municipalityName,
									status: r.status,
									note: r.note,
									updatedAt: r.updatedAt
								}))
							}
						: {})
				}))
			}))
		}))
	});
};

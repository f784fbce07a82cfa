import { json } from '@sveltejs/kit';
import { loadCycleContext } from '$lib/review-context.server';
import { reviewAssignments } from '$lib/server/reminder';
import { cycleOverview } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/**
 * One review cycle, per action: the review, the vote tally and the decided
 * verdict; and who is asked for how many reviews (read-only JSON).
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { cycle } = await loadCycleContext(locals, params.cycleId);
	const { db } = getRuntime();
	const [overview, reviewers] = await Promise.all([cycleOverview(db, cycle), reviewAssignments(db, cycle)]);
	return json({
		id: cycle.id,
		planId: cycle.planId,
		year: cycle.year,
		title: cycle.title,
		status: cycle.status,
		facilitator: cycle.facilitatorName,
		sessionDate: cycle.sessionDate,
		prepDeadline: cycle.prepDeadline,
		currentActionId: cycle.currentActionId,
		versionId: cycle.versionId,
		reviewers: reviewers.map((r) => ({ name: r.name, actionIds: r.actionIds, open: r.openActionIds.length })),
		actions: overview.map((o) => ({
			id: o.action.id,
			title: o.action.title,
			status: o.action.status,
			themeId: o.action.themeId,
			review: o.review
				? {
						status: o.review.status,
						achieved: o.review.achieved,
						progress: o.review.progressNote,
						bottlenecks: o.review.bottlenecks,
						proposedVerdict: o.review.proposedVerdict,
						reason: o.review.reason,
						author: o.review.authorName,
						updatedAt: o.review.updatedAt
					}
				: null,
			tally: o.tally,
			decision: o.decision
				? {
						verdict: o.decision.verdict,
						deferred: o.decision.deferred,
						text: o.decision.decisionText,
						flagged: o.decision.flagged,
						successorActionId: o.decision.successorActionId,
						decidedAt: o.decision.decidedAt
					}
				: null
		}))
	});
};

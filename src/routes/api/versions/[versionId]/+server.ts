import { json } from '@sveltejs/kit';
import { loadVersionContext } from '$lib/review-context.server';
import { listDecisions } from '$lib/server/review';
import { adoptionTable } from '$lib/server/adoption';
import { listResponses } from '$lib/server/responses';
import { getRuntime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/**
 * One adopted version with its frozen snapshot (read-only JSON). The Yjs
 * states are included (base64), so the version can be restored exactly; and
 * the decisions of the session that adopted it.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { version } = await loadVersionContext(locals, params.versionId);
	const decisions = version.cycleId ? await listDecisions(getRuntime().db, version.cycleId) : [];
	const table = await adoptionTable(getRuntime().db, version.id);
	const responses = await listResponses(getRuntime().db, version.id);
	return json({
		...version,
		status: table?.summary.status ?? 'in_decision',
		adoptionCount: table?.summary ?? null,
		// per gemeente of the plan: the college's decision, or null while none is recorded
		adoptions: (table?.rows ?? []).map((r) => ({
			municipality: { id: r.municipalityId, name: r.municipalityName },
			decision: r.adoption?.decision ?? null,
			date: r.adoption?.decidedOn ?? null,
			reference: r.adoption?.reference ?? null,
			documentUrl: r.adoption?.documentUrl ?? null,
			councilInformed: r.adoption?.councilInformed ?? false
		})),
		responses: responses.map((r) => ({
			id: r.id,
			municipality: { id: r.municipalityId, name: r.municipalityName },
			body: r.body,
			date: r.receivedOn,
			text: r.text,
			targets: r.targets.map((t) => ({ kind: t.kind, id: t.id, title: t.title })),
			answer: r.answer,
			outcome: r.outcome,
			outcomeReason: r.outcomeReason
		})),
		decisions: decisions.map((d) => ({
			actionId: d.actionId,
			verdict: d.verdict,
			deferred: d.deferred,
			text: d.decisionText,
			flagged: d.flagged,
			successorActionId: d.successorActionId
		}))
	});
};

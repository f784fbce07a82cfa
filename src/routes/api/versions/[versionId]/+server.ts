import { json } from '@sveltejs/kit';
import { loadVersionContext } from '$lib/review-context.server';
import { listDecisions } from '$lib/server/review';
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
	return json({
		...version,
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

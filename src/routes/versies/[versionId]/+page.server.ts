import { loadVersionContext } from '$lib/review-context.server';
import { listDecisions } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import { listVersions, withoutStates } from '$lib/server/version';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { version, plan } = await loadVersionContext(locals, params.versionId);
	const { db } = getRuntime();
	// the session's decisions: fixed once the cycle closed, as the version is
	const decisions = version.cycleId ? await listDecisions(db, version.cycleId) : [];
	return {
		decisions: Object.fromEntries(
			decisions.map((d) => [d.actionId, { verdict: d.verdict, deferred: d.deferred, text: d.decisionText, successorActionId: d.successorActionId }])
		),
		version: { id: version.id, label: version.label, adoptedAt: version.adoptedAt, cycleId: version.cycleId },
		plan,
		others: (await listVersions(db, plan.id)).filter((v) => v.id !== version.id).map((v) => ({ id: v.id, label: v.label })),
		snapshot: withoutStates(version.snapshot)
	};
};

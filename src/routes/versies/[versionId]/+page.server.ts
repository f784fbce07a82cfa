import { loadVersionContext } from '$lib/review-context.server';
import { getRuntime } from '$lib/server/runtime';
import { listVersions, withoutStates } from '$lib/server/version';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { version, plan } = await loadVersionContext(locals, params.versionId);
	return {
		version: { id: version.id, label: version.label, adoptedAt: version.adoptedAt, cycleId: version.cycleId },
		plan,
		others: (await listVersions(getRuntime().db, plan.id)).filter((v) => v.id !== version.id).map((v) => ({ id: v.id, label: v.label })),
		snapshot: withoutStates(version.snapshot)
	};
};

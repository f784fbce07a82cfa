import { error } from '@sveltejs/kit';
import { diffPlans } from '$lib/review-diff';
import { loadVersionContext } from '$lib/review-context.server';
import { getRuntime } from '$lib/server/runtime';
import { getVersion, takeSnapshot } from '$lib/server/version';
import { notFound } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

/** This version against the live plan, or against another version of the same plan (`?met=<versionId>`). */
export const load: PageServerLoad = async ({ params, locals, url }) => {
	const { version, plan } = await loadVersionContext(locals, params.versionId);
	const { db, readDocument } = getRuntime();
	const otherId = url.searchParams.get('met');
	let other: { id: string; label: string } | null = null;
	let after;
	if (otherId) {
		const found = /^[a-z0-9]{1,40}$/.test(otherId) ? await getVersion(db, otherId) : null;
		if (!found || found.planId !== plan.id) notFound();
		other = { id: found.id, label: found.label };
		after = found.snapshot;
	} else {
		after = await takeSnapshot(db, plan.id, readDocument, { withState: false });
		if (!after) error(410, 'Het plan bestaat niet meer.');
	}
	return {
		version: { id: version.id, label: version.label, adoptedAt: version.adoptedAt },
		other,
		plan,
		diff: diffPlans(version.snapshot, after)
	};
};

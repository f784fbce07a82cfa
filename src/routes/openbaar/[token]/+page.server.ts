import { error } from '@sveltejs/kit';
import { findPublished } from '$lib/server/publication';
import { getRuntime } from '$lib/server/runtime';
import { withoutStates } from '$lib/server/version';
import type { PageServerLoad } from './$types';

/** A published version, for anyone with the link: the frozen plan text only. */
export const load: PageServerLoad = async ({ params, setHeaders }) => {
	const version = await findPublished(getRuntime().db, params.token);
	if (!version) error(404, 'Niet gevonden');
	// no-cache: a withdrawn link must stop working at once, also behind a proxy
	setHeaders({ 'Cache-Control': 'no-cache', 'X-Robots-Tag': 'noindex' });
	return {
		version: { label: version.label, adoptedAt: version.adoptedAt },
		snapshot: withoutStates(version.snapshot)
	};
};

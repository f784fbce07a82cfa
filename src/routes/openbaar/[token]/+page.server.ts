import { error } from '@sveltejs/kit';
import { findPublished } from '$lib/server/publication';
import { getRuntime } from '$lib/server/runtime';
import { buildVersionDocument } from '$lib/server/plan-document';
import { planView } from '$lib/server/plan-view';
import type { PageServerLoad } from './$types';

/** A published version, for anyone with the link: the frozen plan as the live plan reads, nothing else. */
export const load: PageServerLoad = async ({ params, setHeaders }) => {
	const { db } = getRuntime();
	const version = await findPublished(db, params.token);
	const doc = version ? await buildVersionDocument(db, version) : null;
	if (!version || !doc) error(404, 'Niet gevonden');
	// no-cache: a withdrawn link must stop working at once, also behind a proxy
	setHeaders({ 'Cache-Control': 'no-cache', 'X-Robots-Tag': 'noindex' });
	return {
		version: { label: version.label, adoptedAt: version.adoptedAt },
		title: doc.title,
		view: planView(doc)
	};
};

import { getRuntime } from '$lib/server/runtime';
import { planWordsById } from '$lib/server/plan-words';
import { MAX_QUERY, search, searchMore } from '$lib/server/search';
import { currentUser } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

/**
 * `/zoeken?q=…`: plans, themes and actions of the reader's regions, and the
 * people, gemeenten and comments there. Over-long input is cut, never refused.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const { roles } = await currentUser(locals);
	const q = (url.searchParams.get('q') ?? '').slice(0, MAX_QUERY).trim();
	const db = getRuntime().db;
	const [hits, more] = q ? await Promise.all([search(db, roles, q), searchMore(db, roles, q)]) : [[], null];
	// a theme hit is named with its plan's own word ("Speerpunt")
	const words = Object.fromEntries(await planWordsById(db, hits.map((h) => h.planId)));
	return { q, hits, words, more: more ?? { people: [], municipalities: [], comments: [] } };
};

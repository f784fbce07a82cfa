import { getRuntime } from '$lib/server/runtime';
import { MAX_QUERY, search } from '$lib/server/search';
import { currentUser } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

/** `/zoeken?q=…`: plans, themes and actions of the reader's regions. Over-long input is cut, never refused. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const { roles } = await currentUser(locals);
	const q = (url.searchParams.get('q') ?? '').slice(0, MAX_QUERY).trim();
	return { q, hits: q ? await search(getRuntime().db, roles, q) : [] };
};

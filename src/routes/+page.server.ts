import { listMyMunicipalities, listMyRegions } from '$lib/server/membership';
import { getRuntime } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { db } = getRuntime();
	const user = locals.user!;
	const [regions, municipalities] = await Promise.all([listMyRegions(db, user.id), listMyMunicipalities(db, user.id)]);
	return { regions, municipalities };
};

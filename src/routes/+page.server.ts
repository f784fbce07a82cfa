import { loadUserRoles } from '$lib/server/access';
import { listMunicipalityAdoptions, listMyThemes } from '$lib/server/home';
import { listMyMunicipalities, listMyRegions } from '$lib/server/membership';
import { listPlans } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { db } = getRuntime();
	const user = locals.user!;
	const roles = await loadUserRoles(db, user.id);
	const [regions, municipalities, plans, themes] = await Promise.all([
		listMyRegions(db, user.id),
		listMyMunicipalities(db, user.id),
		listPlans(db, roles),
		listMyThemes(db, user.id)
	]);
	const municipalityActions = await Promise.all(
		municipalities.map(async (mu) => ({ municipality: mu, actions: await listMunicipalityAdoptions(db, mu.id) }))
	);
	return { regions, municipalities, plans, themes, municipalityActions };
};

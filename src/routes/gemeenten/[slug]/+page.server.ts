import { canEditAdoption, canReadRegion } from '$lib/server/access';
import { getMunicipalityReports, NOTE_MAX } from '$lib/server/local-report';
import { listPlans } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const municipality = await db
		.selectFrom('municipalities')
		.innerJoin('regions', 'regions.id', 'municipalities.region_id')
		.select(['municipalities.id', 'municipalities.name', 'municipalities.region_id as regionId', 'regions.name as regionName', 'regions.slug as regionSlug'])
		.where('municipalities.slug', '=', params.slug)
		.executeTakeFirst();
	if (!municipality || !canReadRegion(roles, municipality.regionId)) notFound();
	const [plans, reports] = await Promise.all([
		listPlans(db, roles).then((all) => all.filter((p) => p.municipalityId === municipality.id)),
		getMunicipalityReports(db, municipality.id, roles)
	]);
	return { municipality, plans, reports, noteMax: NOTE_MAX, canEdit: canEditAdoption(roles, municipality.regionId, municipality.id) };
};

import { canReadRegion } from '$lib/server/access';
import { listPlans } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const region = await db.selectFrom('regions').select(['id', 'slug', 'name', 'centrum_municipality_id']).where('slug', '=', params.slug).executeTakeFirst();
	if (!region || !canReadRegion(roles, region.id)) notFound();
	const [plans, municipalities, ambassadors] = await Promise.all([
		listPlans(db, roles).then((all) => all.filter((p) => p.regionId === region.id)),
		db.selectFrom('municipalities').select(['id', 'slug', 'name']).where('region_id', '=', region.id).orderBy('name').execute(),
		db
			.selectFrom('theme_ambassadors as ta')
			.innerJoin('themes as t', 't.id', 'ta.theme_id')
			.innerJoin('plans as p', 'p.id', 't.plan_id')
			.innerJoin('users as u', 'u.id', 'ta.user_id')
			.leftJoin('municipalities as m', 'm.id', 'ta.municipality_id')
			.select(['t.id as themeId', 't.title as themeTitle', 't.number as themeNumber', 'p.id as planId', 'p.title as planTitle', 'u.name', 'm.name as municipalityName', 'ta.organisation'])
			.where('p.region_id', '=', region.id)
			.where('t.archived_at', 'is', null)
			.orderBy('p.title')
			.orderBy('t.position')
			.orderBy('u.name')
			.execute()
	]);
	const themes = new Map<string, { themeId: string; planId: string; planTitle: string; title: string; number: string | null; people: string[] }>();
	for (const a of ambassadors) {
		const entry = themes.get(a.themeId) ?? { themeId: a.themeId, planId: a.planId, planTitle: a.planTitle, title: a.themeTitle, number: a.themeNumber, people: [] };
		entry.people.push(`${a.name}${a.municipalityName ? ` (${a.municipalityName})` : a.organisation ? ` (${a.organisation})` : ''}`);
		themes.set(a.themeId, entry);
	}
	return {
		region: { id: region.id, slug: region.slug, name: region.name, centrumId: region.centrum_municipality_id },
		plans,
		municipalities,
		whoIsWho: [...themes.values()]
	};
};

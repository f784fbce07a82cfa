import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canReadRegion } from '$lib/server/access';
import { formToObject, parseInput } from '$lib/server/forms';
import { createPlan, listPlans, PLAN_KINDS, THEME_WORDS } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import { isInstanceAdmin } from '$lib/audit-query.server';
import { loadRegionMfa, mfaRequiredAction } from './region-mfa.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
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
	const isAdmin = roles.regionRoles.get(region.id) === 'admin';
	const creatableFor = municipalities.filter((mu) => isAdmin || roles.municipalEditor.has(mu.id));
	return {
		canCreateRegional: isAdmin,
		canImport: isAdmin || roles.regionRoles.get(region.id) === 'editor',
		mfa: await loadRegionMfa(region.id, isAdmin),
		canReadLog: isAdmin || (await isInstanceAdmin(user.id)),
		creatableFor,
		region: { id: region.id, slug: region.slug, name: region.name, centrumId: region.centrum_municipality_id },
		plans,
		municipalities,
		whoIsWho: [...themes.values()]
	};
};

const Year = v.pipe(v.string(), v.regex(/^\d{4}$/, () => m.validation_year()), v.transform(Number), v.minValue(2000, () => m.validation_year()), v.maxValue(2100, () => m.validation_year()));

const NewPlan = v.object({
	title: v.pipe(
		v.string(() => m.validation_title_required()),
		v.trim(),
		v.minLength(1, () => m.validation_title_required()),
		v.maxLength(300, () => m.validation_too_long())
	),
	kind: v.picklist(PLAN_KINDS, () => m.validation_bad_input()),
	municipalityId: v.pipe(v.string(), v.regex(/^[a-z0-9]{0,40}$/, () => m.validation_bad_input())),
	periodStart: Year,
	periodEnd: Year,
	themeWord: v.picklist(Object.keys(THEME_WORDS) as [string, ...string[]], () => m.validation_bad_input())
});

export const actions: Actions = {
	mfaRequired: mfaRequiredAction,
	createPlan: async ({ request, params, locals }) => {
		const { db, createDocument, logger } = getRuntime();
		const { user, roles } = await currentUser(locals);
		const region = await db.selectFrom('regions').select(['id']).where('slug', '=', params.slug).executeTakeFirst();
		if (!region || !canReadRegion(roles, region.id)) notFound();
		const parsed = parseInput(NewPlan, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const input = parsed.data;
		if (input.periodEnd < input.periodStart) return fail(400, { message: m.validation_period() });
		const isAdmin = roles.regionRoles.get(region.id) === 'admin';
		const municipalityId = input.municipalityId || null;
		if (municipalityId) {
			const mu = await db.selectFrom('municipalities').select('region_id').where('id', '=', municipalityId).executeTakeFirst();
			if (mu?.region_id !== region.id) return fail(400, { message: m.validation_bad_input() });
			if (!isAdmin && !roles.municipalEditor.has(municipalityId)) return fail(403, { message: m.error_no_edit_right() });
		} else if (!isAdmin) {
			return fail(403, { message: m.error_no_edit_right() });
		}
		const id = await createPlan(db, { ...input, regionId: region.id, municipalityId }, createDocument);
		logger.info({ event: 'plan_created', user: user.id, plan: id }, 'plan created');
		redirect(303, `/plannen/${id}`);
	}
};

import type { Db } from './db.ts';
import { newId } from './id.ts';
import { createAction, createPlan, createTheme } from './plan.ts';

/**
 * A small region with two plans, a chapter, a theme and an action, for the
 * plan-settings, structure and archive tests. Documents land in `docs`.
 */
export async function seedShape(db: Db, docs: Map<string, Uint8Array>) {
	const put = (name: string, update: Uint8Array) => docs.set(name, update);
	const regionId = newId();
	await db.insertInto('regions').values({ id: regionId, slug: `r-${regionId}`, name: 'Testregio', centrum_municipality_id: null }).execute();
	const municipalityId = newId();
	await db.insertInto('municipalities').values({ id: municipalityId, slug: `g-${municipalityId}`, name: 'Testgemeente', region_id: regionId }).execute();
	const userId = newId();
	await db
		.insertInto('users')
		.values({ id: userId, email: `${userId}@example.test`, name: 'Eva Editor', password_hash: null, color: '#123456', created_at: Date.now() })
		.execute();
	const regional = await createPlan(
		db,
		{ regionId, municipalityId: null, kind: 'uitvoeringsagenda', title: 'Regioplan', periodStart: 2024, periodEnd: 2028, themeWord: 'thema' },
		put
	);
	const local = await createPlan(
		db,
		{ regionId, municipalityId, kind: 'uitvoeringsplan', title: 'Lokaal plan', periodStart: 2024, periodEnd: 2028, themeWord: 'thema' },
		put
	);
	const chapterId = (await db.selectFrom('chapters').select('id').where('plan_id', '=', regional).executeTakeFirstOrThrow()).id;
	const themeId = await createTheme(db, { planId: regional, chapterId, title: 'Eerste thema' }, put);
	const actionId = await createAction(db, { planId: regional, themeId, level: 'regional', title: 'Eerste actie' }, put);
	return { regionId, municipalityId, userId, regional, local, chapterId, themeId, actionId };
}

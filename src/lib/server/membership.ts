import type { Db } from './db.ts';
import type { RegionRole } from './schema.ts';

export interface MyRegion {
	id: string;
	slug: string;
	name: string;
	role: RegionRole | null;
	municipalityCount: number;
}

/** Regions the user has any role in (directly, as gemeente editor, or as ambassador). */
export async function listMyRegions(db: Db, userId: string): Promise<MyRegion[]> {
	const rows = await db
		.selectFrom('regions')
		.leftJoin('region_memberships as rm', (j) => j.onRef('rm.region_id', '=', 'regions.id').on('rm.user_id', '=', userId))
		.select((eb) => [
			'regions.id',
			'regions.slug',
			'regions.name',
			'rm.role',
			eb
				.selectFrom('municipalities')
				.select((e) => e.fn.countAll<number>().as('n'))
				.whereRef('municipalities.region_id', '=', 'regions.id')
				.as('municipalityCount')
		])
		.where((eb) =>
			eb.or([
				eb('rm.user_id', 'is not', null),
				eb.exists(
					eb
						.selectFrom('municipality_memberships as mm')
						.innerJoin('municipalities as mu', 'mu.id', 'mm.municipality_id')
						.whereRef('mu.region_id', '=', 'regions.id')
						.where('mm.user_id', '=', userId)
						.select('mm.user_id')
				),
				eb.exists(
					eb
						.selectFrom('theme_ambassadors as ta')
						.innerJoin('themes as t', 't.id', 'ta.theme_id')
						.innerJoin('plans as p', 'p.id', 't.plan_id')
						.whereRef('p.region_id', '=', 'regions.id')
						.where('ta.user_id', '=', userId)
						.select('ta.user_id')
				)
			])
		)
		.orderBy('regions.name')
		.execute();
	return rows.map((r) => ({ ...r, role: r.role ?? null, municipalityCount: Number(r.municipalityCount ?? 0) }));
}

export async function listMyMunicipalities(db: Db, userId: string) {
	return db
		.selectFrom('municipality_memberships as mm')
		.innerJoin('municipalities as mu', 'mu.id', 'mm.municipality_id')
		.innerJoin('regions as r', 'r.id', 'mu.region_id')
		.select(['mu.id', 'mu.slug', 'mu.name', 'mm.role', 'r.name as regionName', 'r.slug as regionSlug'])
		.where('mm.user_id', '=', userId)
		.orderBy('mu.name')
		.execute();
}

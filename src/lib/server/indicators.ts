import type { Db } from './db.ts';

/** A plan's indicators (what it measures, from which source) with their values per year and place. */
export interface IndicatorView {
	id: string;
	name: string;
	unit: string;
	source: string;
	values: { year: number; place: string | null; value: number; municipalityId: string | null; subregion: string | null }[];
}

export async function listIndicators(db: Db, planId: string): Promise<IndicatorView[]> {
	const [indicators, values] = await Promise.all([
		db.selectFrom('indicators').select(['id', 'name', 'unit', 'source']).where('plan_id', '=', planId).orderBy('key').execute(),
		db
			.selectFrom('indicator_values as iv')
			.innerJoin('indicators as i', 'i.id', 'iv.indicator_id')
			.leftJoin('municipalities as mu', 'mu.id', 'iv.municipality_id')
			.select(['iv.indicator_id', 'iv.year', 'iv.value', 'iv.municipality_id', 'mu.name as municipality', 'iv.subregion'])
			.where('i.plan_id', '=', planId)
			.orderBy('iv.year')
			.orderBy('mu.name')
			.orderBy('iv.subregion')
			.execute()
	]);
	return indicators.map((i) => ({
		...i,
		values: values
			.filter((v) => v.indicator_id === i.id)
			.map((v) => ({ year: v.year, place: v.municipality ?? v.subregion ?? null, value: v.value, municipalityId: v.municipality_id, subregion: v.subregion }))
	}));
}

/** Where a figure counts: the whole region (null), one gemeente, or a named part of the region. */
export type IndicatorPlace = null | { municipalityId: string } | { subregion: string };

/** Sets the figure of an indicator for a year and place, replacing the one there was. */
export async function setIndicatorValue(db: Db, input: { indicatorId: string; year: number; place: IndicatorPlace; value: number }): Promise<void> {
	const municipalityId = input.place && 'municipalityId' in input.place ? input.place.municipalityId : null;
	const subregion = input.place && 'subregion' in input.place ? input.place.subregion : null;
	await db.transaction().execute(async (trx) => {
		await removeIndicatorValue(trx, { indicatorId: input.indicatorId, year: input.year, place: input.place });
		await trx
			.insertInto('indicator_values')
			.values({ indicator_id: input.indicatorId, year: input.year, value: input.value, municipality_id: municipalityId, subregion })
			.execute();
	});
}

/** Removes the figure of an indicator for a year and place; true when there was one. */
export async function removeIndicatorValue(db: Db, input: { indicatorId: string; year: number; place: IndicatorPlace }): Promise<boolean> {
	const municipalityId = input.place && 'municipalityId' in input.place ? input.place.municipalityId : null;
	const subregion = input.place && 'subregion' in input.place ? input.place.subregion : null;
	const result = await db
		.deleteFrom('indicator_values')
		.where('indicator_id', '=', input.indicatorId)
		.where('year', '=', input.year)
		.where('municipality_id', municipalityId === null ? 'is' : '=', municipalityId)
		.where('subregion', subregion === null ? 'is' : '=', subregion)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

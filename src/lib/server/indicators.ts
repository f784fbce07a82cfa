import type { Db } from './db.ts';

/** A plan's indicators (what it measures, from which source) with their values per year and place. */
export interface IndicatorView {
	id: string;
	name: string;
	unit: string;
	source: string;
	values: { year: number; place: string | null; value: number }[];
}

export async function listIndicators(db: Db, planId: string): Promise<IndicatorView[]> {
	const [indicators, values] = await Promise.all([
		db.selectFrom('indicators').select(['id', 'name', 'unit', 'source']).where('plan_id', '=', planId).orderBy('key').execute(),
		db
			.selectFrom('indicator_values as iv')
			.innerJoin('indicators as i', 'i.id', 'iv.indicator_id')
			.leftJoin('municipalities as mu', 'mu.id', 'iv.municipality_id')
			.select(['iv.indicator_id', 'iv.year', 'iv.value', 'mu.name as municipality', 'iv.subregion'])
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
			.map((v) => ({ year: v.year, place: v.municipality ?? v.subregion ?? null, value: v.value }))
	}));
}

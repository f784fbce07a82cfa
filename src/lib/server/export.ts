import type { Db } from './db.ts';

/**
 * What the CSV exports read: the plan's live actions with their projected
 * fields and card text, and its indicator values. SQL only, never Yjs
 * (SPEC: "boards, search, exports and the JSON API read SQL").
 */

export async function exportActions(db: Db, planId: string) {
	return db
		.selectFrom('actions as a')
		.innerJoin('themes as t', 't.id', 'a.theme_id')
		.leftJoin('chapters as c', 'c.id', 't.chapter_id')
		.leftJoin('municipalities as mu', 'mu.id', 'a.municipality_id')
		.leftJoin('funding_sources as fs', 'fs.id', 'a.funding_source_id')
		.select([
			'c.title as chapter',
			't.number as themeNumber',
			't.title as theme',
			'a.level',
			'a.title',
			'a.status',
			'a.planning_start as planningStart',
			'a.planning_end as planningEnd',
			'a.lead',
			'mu.name as municipality',
			'a.cost_amount as cost',
			'fs.name as funding',
			'a.progress',
			'a.text',
			'a.id as id',
			'a.theme_id as themeId'
		])
		.where('a.plan_id', '=', planId)
		.where('a.archived_at', 'is', null)
		.where('t.archived_at', 'is', null)
		.orderBy('c.position')
		.orderBy('t.position')
		.orderBy('a.level', 'desc')
		.orderBy('a.position')
		.execute();
}

export async function exportIndicatorValues(db: Db, planId: string) {
	return db
		.selectFrom('indicator_values as iv')
		.innerJoin('indicators as i', 'i.id', 'iv.indicator_id')
		.leftJoin('municipalities as mu', 'mu.id', 'iv.municipality_id')
		.select(['i.name', 'i.unit', 'i.source', 'iv.year', 'mu.name as municipality', 'iv.subregion', 'iv.value'])
		.where('i.plan_id', '=', planId)
		.orderBy('i.name')
		.orderBy('iv.year')
		.orderBy('mu.name')
		.orderBy('iv.subregion')
		.execute();
}

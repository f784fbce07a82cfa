import type { Db } from './db.ts';

/** Themes the user is ambassador of, with their plan. */
export async function listMyThemes(db: Db, userId: string) {
	return db
		.selectFrom('theme_ambassadors as ta')
		.innerJoin('themes as t', 't.id', 'ta.theme_id')
		.innerJoin('plans as p', 'p.id', 't.plan_id')
		.select((eb) => [
			't.id',
			't.title',
			't.number',
			'p.id as planId',
			'p.title as planTitle',
			eb
				.selectFrom('actions as a')
				.select((e) => e.fn.countAll<number>().as('n'))
				.whereRef('a.theme_id', '=', 't.id')
				.where('a.archived_at', 'is', null)
				.as('actionCount')
		])
		.where('ta.user_id', '=', userId)
		.where('t.archived_at', 'is', null)
		.orderBy('p.title')
		.orderBy('t.position')
		.execute();
}

/** A gemeente's status on every local action of its region's plans. */
export async function listMunicipalityAdoptions(db: Db, municipalityId: string) {
	return db
		.selectFrom('local_adoptions as la')
		.innerJoin('actions as a', 'a.id', 'la.action_id')
		.innerJoin('plans as p', 'p.id', 'a.plan_id')
		.select(['a.id as actionId', 'a.title', 'la.status', 'p.id as planId', 'p.title as planTitle'])
		.where('la.municipality_id', '=', municipalityId)
		.where('a.archived_at', 'is', null)
		.orderBy('p.title')
		.orderBy('a.position')
		.execute();
}

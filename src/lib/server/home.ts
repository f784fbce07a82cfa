import { parsePlanWords } from '../level-words.ts';
import { strongestRoleInRegion } from '../role-strength.ts';
import { loadUserRoles } from './access.ts';
import type { Db } from './db.ts';
import { listMyMunicipalities, listMyRegions } from './membership.ts';

/** Themes the user is ambassador of, with their plan and the plan's own level words. */
export async function listMyThemes(db: Db, userId: string) {
	const rows = await db
		.selectFrom('theme_ambassadors as ta')
		.innerJoin('themes as t', 't.id', 'ta.theme_id')
		.innerJoin('plans as p', 'p.id', 't.plan_id')
		.select((eb) => [
			't.id',
			't.title',
			't.number',
			'p.id as planId',
			'p.title as planTitle',
			'p.levels',
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
	return rows.map(({ levels, ...t }) => ({ ...t, actionCount: Number(t.actionCount ?? 0), words: parsePlanWords(levels) }));
}

/**
 * The plural the home page heads the ambassador's themes with: the plans' own
 * word when they all use the same one ("Mijn speerpunten als ambassadeur"),
 * else null (the page then uses its general word and names each row's level).
 */
export function sharedThemePlural(themes: readonly { words: { themePlural: string } }[]): string | null {
	const plurals = new Set(themes.map((t) => t.words.themePlural.toLocaleLowerCase('nl')));
	return plurals.size === 1 ? themes[0].words.themePlural : null;
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

/**
 * The user's regions, each with the strongest role they hold there
 * (strongestRoleInRegion) and the names that role's label needs: Mijn Kring
 * and the account page name a person the same way.
 */
export async function listMyRegionRoles(db: Db, userId: string) {
	const [regions, roles, themes, municipalities] = await Promise.all([
		listMyRegions(db, userId),
		loadUserRoles(db, userId),
		listMyThemes(db, userId),
		listMyMunicipalities(db, userId)
	]);
	// ambassadorships of themes still in use (an archived theme is nobody's work any more)
	const held = { ...roles, ambassadorOf: new Map([...roles.ambassadorOf].filter(([id]) => themes.some((t) => t.id === id))) };
	return {
		regions: regions.map((r) => ({ ...r, strongest: strongestRoleInRegion(held, r.id) })),
		roleNames: {
			municipalities: Object.fromEntries(municipalities.map((mu) => [mu.id, mu.name])),
			themes: Object.fromEntries(themes.map((t) => [t.id, t.title]))
		}
	};
}

import type { Db } from './db.ts';
import { cleanName, foldName } from './funding.ts';
import { newId } from './id.ts';

/**
 * A plan's indicators (what it measures, from which source, for which places)
 * with their values per year and place.
 *
 * Rules for what editors change (each a test in indicators.test.ts):
 *  - a name is trimmed, 1 to INDICATOR_NAME_MAX characters, unique among the plan's
 *    live indicators (case and accents ignored); a unit is 1 to INDICATOR_UNIT_MAX
 *    characters; source and description are optional and bounded;
 *  - places are place keys: '' the whole region, 'gemeente:<id>' of the plan's region,
 *    'deel:<name>' a named part of the region (Regio Arnhem, Achterhoek); none means
 *    "not said" and any place may then have a figure;
 *  - indicators are archived (with their figures), never deleted, and can be restored.
 * The caller checked the right (canEditPlan); every function checks `planId`.
 */
export const INDICATOR_NAME_MAX = 200;
export const INDICATOR_UNIT_MAX = 50;
export const INDICATOR_SOURCE_MAX = 300;
export const INDICATOR_DESCRIPTION_MAX = 2000;
export const SUBREGION_MAX = 100;

export interface IndicatorView {
	id: string;
	name: string;
	unit: string;
	source: string;
	description: string;
	/** place keys, see above */
	places: string[];
	values: { year: number; place: string | null; value: number; municipalityId: string | null; subregion: string | null }[];
}

const parsePlaces = (json: string): string[] => {
	try {
		const parsed: unknown = JSON.parse(json);
		return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
	} catch {
		return [];
	}
};

export async function listIndicators(db: Db, planId: string): Promise<IndicatorView[]> {
	const [indicators, values] = await Promise.all([
		db
			.selectFrom('indicators')
			.select(['id', 'name', 'unit', 'source', 'description', 'places'])
			.where('plan_id', '=', planId)
			.where('archived_at', 'is', null)
			.orderBy('key')
			.execute(),
		db
			.selectFrom('indicator_values as iv')
			.innerJoin('indicators as i', 'i.id', 'iv.indicator_id')
			.leftJoin('municipalities as mu', 'mu.id', 'iv.municipality_id')
			.select(['iv.indicator_id', 'iv.year', 'iv.value', 'iv.municipality_id', 'mu.name as municipality', 'iv.subregion'])
			.where('i.plan_id', '=', planId)
			.orderBy('iv.year')
			// the whole region (no gemeente, no subregion) first, on PostgreSQL too (it sorts nulls last)
			.orderBy('mu.name', (ob) => ob.asc().nullsFirst())
			.orderBy('iv.subregion', (ob) => ob.asc().nullsFirst())
			.execute()
	]);
	return indicators.map((i) => ({
		...i,
		places: parsePlaces(i.places),
		values: values
			.filter((v) => v.indicator_id === i.id)
			.map((v) => ({ year: v.year, place: v.municipality ?? v.subregion ?? null, value: v.value, municipalityId: v.municipality_id, subregion: v.subregion }))
	}));
}

export type IndicatorError =
	| 'not_found'
	| 'name_required'
	| 'name_too_long'
	| 'name_duplicate'
	| 'unit_required'
	| 'unit_too_long'
	| 'source_too_long'
	| 'description_too_long'
	| 'place_unknown';

export type IndicatorOutcome<T = void> = { ok: true; value: T } | { ok: false; error: IndicatorError };

export interface IndicatorInput {
	name: string;
	unit: string;
	source?: string;
	description?: string;
	places?: string[];
}

const no = (error: IndicatorError): IndicatorOutcome<never> => ({ ok: false, error });

/** The place keys of an input, checked against the plan's region; in a stable order, without repeats. */
export async function checkPlaces(db: Db, planId: string, places: string[]): Promise<IndicatorOutcome<string[]>> {
	const wanted = [...new Set(places.map((p) => (p.startsWith('deel:') ? `deel:${p.slice(5).trim().replace(/\s+/g, ' ')}` : p)))];
	const municipalityIds = wanted.filter((p) => p.startsWith('gemeente:')).map((p) => p.slice('gemeente:'.length));
	const known = municipalityIds.length
		? new Set(
				(
					await db
						.selectFrom('municipalities as mu')
						.innerJoin('plans as p', 'p.region_id', 'mu.region_id')
						.select('mu.id')
						.where('p.id', '=', planId)
						.where('mu.id', 'in', municipalityIds)
						.execute()
				).map((r) => r.id)
			)
		: new Set<string>();
	for (const p of wanted) {
		if (p === '') continue;
		if (p.startsWith('gemeente:') && known.has(p.slice('gemeente:'.length))) continue;
		if (p.startsWith('deel:') && p.length > 5 && p.length <= 5 + SUBREGION_MAX) continue;
		return no('place_unknown');
	}
	const rank = (p: string) => (p === '' ? 0 : p.startsWith('deel:') ? 1 : 2);
	return { ok: true, value: wanted.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'nl')) };
}

async function checkInput(db: Db, planId: string, input: IndicatorInput, selfId: string | null) {
	const name = cleanName(input.name, INDICATOR_NAME_MAX);
	if (!name.ok) return no(name.error);
	const unit = input.unit.trim().replace(/\s+/g, ' ');
	if (!unit) return no('unit_required');
	if (unit.length > INDICATOR_UNIT_MAX) return no('unit_too_long');
	const source = (input.source ?? '').trim().replace(/\s+/g, ' ');
	if (source.length > INDICATOR_SOURCE_MAX) return no('source_too_long');
	const description = (input.description ?? '').trim();
	if (description.length > INDICATOR_DESCRIPTION_MAX) return no('description_too_long');
	const others = await db.selectFrom('indicators').select(['id', 'name']).where('plan_id', '=', planId).where('archived_at', 'is', null).execute();
	const folded = foldName(name.value);
	if (others.some((o) => o.id !== selfId && foldName(o.name) === folded)) return no('name_duplicate');
	const places = await checkPlaces(db, planId, input.places ?? []);
	if (!places.ok) return places;
	return {
		ok: true as const,
		value: {
			name: name.value,
			unit,
			source,
			description,
			places: JSON.stringify(places.value),
			scope: places.value.some((p) => p.startsWith('gemeente:')) ? 'municipality' : 'region'
		}
	};
}

export async function createIndicator(db: Db, planId: string, input: IndicatorInput): Promise<IndicatorOutcome<string>> {
	const checked = await checkInput(db, planId, input, null);
	if (!checked.ok) return checked;
	const id = newId();
	// key orders the list: new indicators after the plan's own
	await db
		.insertInto('indicators')
		.values({ id, plan_id: planId, key: `~${Date.now().toString(36)}-${id}`, ...checked.value })
		.execute();
	return { ok: true, value: id };
}

/** Renames an indicator and sets its unit, source, description and places; its figures stay. */
export async function updateIndicator(db: Db, planId: string, indicatorId: string, input: IndicatorInput): Promise<IndicatorOutcome> {
	const found = await db
		.selectFrom('indicators')
		.select('id')
		.where('id', '=', indicatorId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!found) return no('not_found');
	const checked = await checkInput(db, planId, input, indicatorId);
	if (!checked.ok) return checked;
	await db.updateTable('indicators').set(checked.value).where('id', '=', indicatorId).execute();
	return { ok: true, value: undefined };
}

export async function archiveIndicator(db: Db, planId: string, indicatorId: string, userId: string, now = Date.now()): Promise<IndicatorOutcome> {
	const result = await db
		.updateTable('indicators')
		.set({ archived_at: now, archived_by: userId })
		.where('id', '=', indicatorId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0 ? { ok: true, value: undefined } : no('not_found');
}

export async function restoreIndicator(db: Db, planId: string, indicatorId: string): Promise<IndicatorOutcome> {
	const row = await db
		.selectFrom('indicators')
		.select(['id', 'name'])
		.where('id', '=', indicatorId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is not', null)
		.executeTakeFirst();
	if (!row) return no('not_found');
	const live = await db.selectFrom('indicators').select('name').where('plan_id', '=', planId).where('archived_at', 'is', null).execute();
	if (live.some((l) => foldName(l.name) === foldName(row.name))) return no('name_duplicate');
	await db.updateTable('indicators').set({ archived_at: null, archived_by: null }).where('id', '=', indicatorId).execute();
	return { ok: true, value: undefined };
}

export async function listArchivedIndicators(db: Db, planId: string) {
	const rows = await db
		.selectFrom('indicators as i')
		.leftJoin('users as u', 'u.id', 'i.archived_by')
		.select(['i.id', 'i.name', 'i.archived_at', 'u.name as archivedByName'])
		.where('i.plan_id', '=', planId)
		.where('i.archived_at', 'is not', null)
		.orderBy('i.archived_at', 'desc')
		.execute();
	return rows.map((r) => ({ id: r.id, name: r.name, archivedAt: r.archived_at!, archivedByName: r.archivedByName }));
}

/** Figures of several places and years at once (an import), each replacing the one there was, in one transaction. */
export async function setIndicatorValues(db: Db, indicatorId: string, values: { year: number; place: IndicatorPlace; value: number }[]): Promise<void> {
	await db.transaction().execute(async (trx) => {
		for (const v of values) await replaceValue(trx, { indicatorId, ...v });
	});
}

/** Where a figure counts: the whole region (null), one gemeente, or a named part of the region. */
export type IndicatorPlace = null | { municipalityId: string } | { subregion: string };

/** Sets the figure of an indicator for a year and place, replacing the one there was. */
export async function setIndicatorValue(db: Db, input: { indicatorId: string; year: number; place: IndicatorPlace; value: number }): Promise<void> {
	await db.transaction().execute(async (trx) => replaceValue(trx, input));
}

/** Inside a transaction: the old figure for that year and place goes, the new one comes. */
async function replaceValue(trx: Db, input: { indicatorId: string; year: number; place: IndicatorPlace; value: number }): Promise<void> {
	const municipalityId = input.place && 'municipalityId' in input.place ? input.place.municipalityId : null;
	const subregion = input.place && 'subregion' in input.place ? input.place.subregion : null;
	await removeIndicatorValue(trx, { indicatorId: input.indicatorId, year: input.year, place: input.place });
	await trx
		.insertInto('indicator_values')
		.values({ indicator_id: input.indicatorId, year: input.year, value: input.value, municipality_id: municipalityId, subregion })
		.execute();
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

import type { Db } from './db.ts';
import { newId } from './id.ts';

/**
 * A plan's funding sources (dekkingsbronnen) as its editors shape them.
 *
 *  - A name is trimmed, 1 to FUNDING_NAME_MAX characters, and unique among the
 *    plan's live sources (case and accents ignored).
 *  - A source is regional or local; a local source may name its gemeente (one of
 *    the plan's region), a regional one never does.
 *  - A source may be a part of another live source of the same plan and the same
 *    level (DU Vrouwenopvang → its subregions); never of itself or of one of its
 *    own parts, so the tree has no cycle. The budget counts a parent's own amount
 *    for a year when it has one, else the sum of its parts (budget.ts).
 *  - Rows are archived, never deleted: actions and amounts keep pointing at them.
 *    A source with live parts is archived only after its parts; a restored source
 *    goes back under its parent only when that parent is live.
 *
 * The caller checked the right (canEditPlan); every function checks that what it
 * touches belongs to `planId`.
 */
export const FUNDING_NAME_MAX = 200;
export const FUNDING_NOTE_MAX = 2000;

export type FundingScope = 'regional' | 'local';

export type FundingError =
	| 'not_found'
	| 'name_required'
	| 'name_too_long'
	| 'name_duplicate'
	| 'note_too_long'
	| 'parent_unknown'
	| 'parent_cycle'
	| 'parent_scope'
	| 'municipality_unknown'
	| 'has_parts'
	| 'parent_archived';

export type FundingOutcome<T = void> = { ok: true; value: T } | { ok: false; error: FundingError };

export interface FundingSourceInput {
	name: string;
	scope: FundingScope;
	/** '' or null: not a part of another source */
	parentId?: string | null;
	/** only for a local source; '' or null: not one gemeente */
	municipalityId?: string | null;
	note?: string | null;
}

const no = (error: FundingError): FundingOutcome<never> => ({ ok: false, error });

/** Names compare without case, accents and extra spaces: "DU  vrouwenopvang" is "DU Vrouwenopvang". */
export function foldName(name: string): string {
	return name
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLocaleLowerCase('nl')
		.replace(/\s+/g, ' ')
		.trim();
}

/** A name as typed: trimmed with single spaces, 1 to `max` characters. */
export function cleanName(input: string, max = FUNDING_NAME_MAX): { ok: true; value: string } | { ok: false; error: 'name_required' | 'name_too_long' } {
	const name = input.trim().replace(/\s+/g, ' ');
	if (!name) return { ok: false, error: 'name_required' };
	if (name.length > max) return { ok: false, error: 'name_too_long' };
	return { ok: true, value: name };
}

async function liveSources(db: Db, planId: string) {
	return db
		.selectFrom('funding_sources')
		.select(['id', 'name', 'scope', 'parent_id'])
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.execute();
}

interface Checked {
	name: string;
	scope: FundingScope;
	parentId: string | null;
	municipalityId: string | null;
	note: string | null;
}

/** Checks an input against the plan's live sources; `selfId` is the source being changed, if any. */
async function check(db: Db, planId: string, input: FundingSourceInput, selfId: string | null): Promise<FundingOutcome<Checked>> {
	const name = cleanName(input.name);
	if (!name.ok) return no(name.error);
	const note = (input.note ?? '').trim();
	if (note.length > FUNDING_NOTE_MAX) return no('note_too_long');
	const sources = await liveSources(db, planId);
	const folded = foldName(name.value);
	if (sources.some((s) => s.id !== selfId && foldName(s.name) === folded)) return no('name_duplicate');

	const parentId = input.parentId || null;
	if (parentId) {
		const parent = sources.find((s) => s.id === parentId);
		if (!parent) return no('parent_unknown');
		if (parent.scope !== input.scope) return no('parent_scope');
		// walking up from the parent must never reach the source itself
		const byId = new Map(sources.map((s) => [s.id, s]));
		for (let at: string | null = parentId, steps = 0; at; at = byId.get(at)?.parent_id ?? null, steps++) {
			if (at === selfId || steps > sources.length) return no('parent_cycle');
		}
	}
	if (selfId) {
		// the source's own parts must keep its level
		if (sources.some((s) => s.parent_id === selfId && s.scope !== input.scope)) return no('parent_scope');
	}

	let municipalityId = input.scope === 'local' ? input.municipalityId || null : null;
	if (municipalityId) {
		const found = await db
			.selectFrom('municipalities as mu')
			.innerJoin('plans as p', 'p.region_id', 'mu.region_id')
			.select('mu.id')
			.where('mu.id', '=', municipalityId)
			.where('p.id', '=', planId)
			.executeTakeFirst();
		if (!found) return no('municipality_unknown');
		municipalityId = found.id;
	}
	return { ok: true, value: { name: name.value, scope: input.scope, parentId, municipalityId, note: note || null } };
}

export async function createFundingSource(db: Db, planId: string, input: FundingSourceInput): Promise<FundingOutcome<string>> {
	const checked = await check(db, planId, input, null);
	if (!checked.ok) return checked;
	const id = newId();
	const v = checked.value;
	await db
		.insertInto('funding_sources')
		.values({ id, plan_id: planId, key: id, name: v.name, scope: v.scope, note: v.note, parent_id: v.parentId, municipality_id: v.municipalityId })
		.execute();
	return { ok: true, value: id };
}

/** Renames a source and sets its level, parent, gemeente and note. */
export async function updateFundingSource(db: Db, planId: string, sourceId: string, input: FundingSourceInput): Promise<FundingOutcome> {
	const current = await db
		.selectFrom('funding_sources')
		.select('id')
		.where('id', '=', sourceId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!current) return no('not_found');
	const checked = await check(db, planId, input, sourceId);
	if (!checked.ok) return checked;
	const v = checked.value;
	await db
		.updateTable('funding_sources')
		.set({ name: v.name, scope: v.scope, note: v.note, parent_id: v.parentId, municipality_id: v.municipalityId })
		.where('id', '=', sourceId)
		.execute();
	return { ok: true, value: undefined };
}

export async function archiveFundingSource(db: Db, planId: string, sourceId: string, userId: string, now = Date.now()): Promise<FundingOutcome> {
	const source = await db
		.selectFrom('funding_sources')
		.select('id')
		.where('id', '=', sourceId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!source) return no('not_found');
	const part = await db
		.selectFrom('funding_sources')
		.select('id')
		.where('parent_id', '=', sourceId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (part) return no('has_parts');
	await db.updateTable('funding_sources').set({ archived_at: now, archived_by: userId }).where('id', '=', sourceId).execute();
	return { ok: true, value: undefined };
}

export async function restoreFundingSource(db: Db, planId: string, sourceId: string): Promise<FundingOutcome> {
	const source = await db
		.selectFrom('funding_sources')
		.select(['id', 'name', 'parent_id'])
		.where('id', '=', sourceId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is not', null)
		.executeTakeFirst();
	if (!source) return no('not_found');
	const sources = await liveSources(db, planId);
	if (sources.some((s) => foldName(s.name) === foldName(source.name))) return no('name_duplicate');
	if (source.parent_id && !sources.some((s) => s.id === source.parent_id)) return no('parent_archived');
	await db.updateTable('funding_sources').set({ archived_at: null, archived_by: null }).where('id', '=', sourceId).execute();
	return { ok: true, value: undefined };
}

export interface ArchivedFundingSource {
	id: string;
	name: string;
	archivedAt: number;
	archivedByName: string | null;
}

export async function listArchivedFundingSources(db: Db, planId: string): Promise<ArchivedFundingSource[]> {
	const rows = await db
		.selectFrom('funding_sources as fs')
		.leftJoin('users as u', 'u.id', 'fs.archived_by')
		.select(['fs.id', 'fs.name', 'fs.archived_at', 'u.name as archivedByName'])
		.where('fs.plan_id', '=', planId)
		.where('fs.archived_at', 'is not', null)
		.orderBy('fs.archived_at', 'desc')
		.execute();
	return rows.map((r) => ({ id: r.id, name: r.name, archivedAt: r.archived_at!, archivedByName: r.archivedByName }));
}

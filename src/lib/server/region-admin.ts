import gemeentenList from '../../../server/data/gemeenten.json' with { type: 'json' };
import { recordAudit } from './audit.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';

/**
 * The instance admin's work on regions and their gemeenten.
 *
 * Rights: only an instance admin (users.instance_admin = 1, not deactivated)
 * creates and renames regions, adds gemeenten and sets the centrumgemeente.
 * Every function here checks that itself, inside the transaction that makes
 * the change, and writes the audit row in it too; a refused call changes
 * nothing.
 *
 * A region's slug (its address, /regios/<slug>) is made from its first name
 * and stays when the region is renamed, so links keep working.
 *
 * A gemeente belongs to one region. Picked from the shipped CBS list
 * (server/data/gemeenten.json) it carries its CBS code; a typed name that is
 * not on the list (a gemeente that merged after the list was made) has none.
 */

export interface Gemeente {
	/** CBS code, "GM" and four digits */
	code: string;
	name: string;
}

export const GEMEENTEN: readonly Gemeente[] = gemeentenList as Gemeente[];

export const REGION_NAME_MAX = 100;
export const MUNICIPALITY_NAME_MAX = 100;
const SLUG_MAX = 60;

/** Names people use for a gemeente whose official (CBS) name differs, by slug. */
const ALIASES: Record<string, string> = {
	'den-haag': "'s-Gravenhage",
	'the-hague': "'s-Gravenhage",
	'den-bosch': "'s-Hertogenbosch",
	nuenen: 'Nuenen, Gerwen en Nederwetten'
};

function fold(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/\s+/g, ' ')
		.trim();
}

/** Lower-case ASCII words joined by dashes: "Noord-Oost Gelderland" → "noord-oost-gelderland". */
export function slugify(name: string): string {
	return fold(name)
		.replace(/['’]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, SLUG_MAX)
		.replace(/-+$/g, '');
}

const bySlug = new Map(GEMEENTEN.map((g) => [slugify(g.name), g]));
const byCode = new Map(GEMEENTEN.map((g) => [g.code, g]));

/** The gemeente on the CBS list a typed name means (case, accents, punctuation and a few common names ignored), if any. */
export function findGemeente(name: string): Gemeente | null {
	const slug = slugify(name);
	const alias = ALIASES[slug];
	return bySlug.get(alias ? slugify(alias) : slug) ?? null;
}

export function gemeenteByCode(code: string): Gemeente | null {
	return byCode.get(code) ?? null;
}

export async function isInstanceAdmin(db: Db, userId: string): Promise<boolean> {
	const row = await db
		.selectFrom('users')
		.select('id')
		.where('id', '=', userId)
		.where('instance_admin', '=', 1)
		.where('deactivated_at', 'is', null)
		.executeTakeFirst();
	return row !== undefined;
}

export interface Actor {
	id: string;
	name: string;
}

export interface AdminContext {
	actor: Actor;
	/** the client address (audit) */
	origin?: string | null;
	now?: number;
}

export type RegionAdminError =
	| 'forbidden'
	| 'not_found'
	| 'name_empty'
	| 'name_too_long'
	| 'slug_empty'
	| 'slug_taken'
	| 'already_in_region'
	| 'other_region'
	| 'not_in_region';

export type Refusal = { ok: false; error: RegionAdminError; /** for other_region: that region's name */ regionName?: string };

class Refused extends Error {
	constructor(readonly refusal: Refusal) {
		super(refusal.error);
	}
}

function refuse(error: RegionAdminError, regionName?: string): never {
	throw new Refused({ ok: false, error, ...(regionName ? { regionName } : {}) });
}

/** Runs `fn` in a transaction after checking the actor; a Refused inside rolls everything back. */
async function asInstanceAdmin<T>(db: Db, ctx: AdminContext, fn: (trx: Db) => Promise<T>): Promise<({ ok: true } & T) | Refusal> {
	try {
		const value = await db.transaction().execute(async (trx) => {
			if (!(await isInstanceAdmin(trx, ctx.actor.id))) refuse('forbidden');
			return fn(trx);
		});
		return { ok: true, ...value };
	} catch (err) {
		if (err instanceof Refused) return err.refusal;
		throw err;
	}
}

function cleanName(raw: string, max: number): string {
	const name = raw.replace(/\s+/g, ' ').trim();
	if (name.length === 0) refuse('name_empty');
	if ([...name].length > max) refuse('name_too_long');
	return name;
}

export interface RegionSummary {
	id: string;
	slug: string;
	name: string;
	municipalityCount: number;
	centrumName: string | null;
}

export async function listRegions(db: Db): Promise<RegionSummary[]> {
	const rows = await db
		.selectFrom('regions as r')
		.leftJoin('municipalities as c', 'c.id', 'r.centrum_municipality_id')
		.select((eb) => [
			'r.id',
			'r.slug',
			'r.name',
			'c.name as centrumName',
			eb.selectFrom('municipalities as m').select((e) => e.fn.countAll<number>().as('n')).whereRef('m.region_id', '=', 'r.id').as('municipalityCount')
		])
		.orderBy('r.name')
		.execute();
	return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, centrumName: r.centrumName, municipalityCount: Number(r.municipalityCount ?? 0) }));
}

export interface RegionDetail {
	id: string;
	slug: string;
	name: string;
	centrumId: string | null;
	municipalities: { id: string; slug: string; name: string; cbsCode: string | null }[];
}

export async function getRegion(db: Db, slug: string): Promise<RegionDetail | null> {
	const region = await db.selectFrom('regions').select(['id', 'slug', 'name', 'centrum_municipality_id']).where('slug', '=', slug).executeTakeFirst();
	if (!region) return null;
	const municipalities = await db
		.selectFrom('municipalities')
		.select(['id', 'slug', 'name', 'cbs_code'])
		.where('region_id', '=', region.id)
		.orderBy('name')
		.execute();
	return {
		id: region.id,
		slug: region.slug,
		name: region.name,
		centrumId: region.centrum_municipality_id,
		municipalities: municipalities.map((m) => ({
			id: m.id,
			slug: m.slug,
			name: m.name,
			// rows from before the CBS list (demo data) get their code from the list by name
			cbsCode: m.cbs_code ?? findGemeente(m.name)?.code ?? null
		}))
	};
}

/** The gemeenten of the CBS list that no region has yet, for the picker. */
export async function availableGemeenten(db: Db): Promise<Gemeente[]> {
	const taken = await db.selectFrom('municipalities').select(['slug', 'cbs_code']).execute();
	const codes = new Set(taken.map((t) => t.cbs_code).filter(Boolean));
	const slugs = new Set(taken.map((t) => t.slug));
	return GEMEENTEN.filter((g) => !codes.has(g.code) && !slugs.has(slugify(g.name))).sort((a, b) => a.name.localeCompare(b.name, 'nl'));
}

/** A new region; the instance admin who creates it becomes its beheerder, so they can bring in its members. */
export async function createRegion(db: Db, ctx: AdminContext, input: { name: string }) {
	return asInstanceAdmin(db, ctx, async (trx) => {
		const name = cleanName(input.name, REGION_NAME_MAX);
		const slug = slugify(name);
		if (slug === '') refuse('slug_empty');
		const taken = await trx.selectFrom('regions').select('id').where('slug', '=', slug).executeTakeFirst();
		if (taken) refuse('slug_taken');
		const id = newId();
		const at = ctx.now ?? Date.now();
		await trx.insertInto('regions').values({ id, slug, name, centrum_municipality_id: null }).execute();
		await trx.insertInto('region_memberships').values({ user_id: ctx.actor.id, region_id: id, role: 'admin', created_at: at }).execute();
		await recordAudit(trx, { action: 'region.created', actor: ctx.actor, object: { type: 'region', id, label: name }, regionId: id, origin: ctx.origin, detail: { slug }, at });
		await recordAudit(trx, {
			action: 'role.granted',
			actor: ctx.actor,
			object: { type: 'user', id: ctx.actor.id, label: ctx.actor.name },
			regionId: id,
			origin: ctx.origin,
			detail: { role: 'admin', reason: 'region_created' },
			at
		});
		return { id, slug, name };
	});
}

/** A new name; the slug (the region's address) stays. */
export async function renameRegion(db: Db, ctx: AdminContext, input: { regionId: string; name: string }) {
	return asInstanceAdmin(db, ctx, async (trx) => {
		const region = await trx.selectFrom('regions').select(['id', 'name', 'slug']).where('id', '=', input.regionId).executeTakeFirst();
		if (!region) refuse('not_found');
		const name = cleanName(input.name, REGION_NAME_MAX);
		if (name !== region.name) {
			await trx.updateTable('regions').set({ name }).where('id', '=', region.id).execute();
			await recordAudit(trx, {
				action: 'region.renamed',
				actor: ctx.actor,
				object: { type: 'region', id: region.id, label: name },
				regionId: region.id,
				origin: ctx.origin,
				// the object's label is the new name; detail holds no typed text (audit.ts contract)
				at: ctx.now
			});
		}
		return { slug: region.slug, name };
	});
}

/**
 * Adds a gemeente to a region: the one on the CBS list the name means, or a
 * typed one. A gemeente already in another region is refused (with that
 * region's name); one already in this region too.
 */
export async function addMunicipality(db: Db, ctx: AdminContext, input: { regionId: string; name: string }) {
	return asInstanceAdmin(db, ctx, async (trx) => {
		const region = await trx.selectFrom('regions').select(['id', 'name']).where('id', '=', input.regionId).executeTakeFirst();
		if (!region) refuse('not_found');
		const typed = cleanName(input.name, MUNICIPALITY_NAME_MAX);
		const listed = findGemeente(typed);
		const name = listed?.name ?? typed;
		const slug = slugify(name);
		if (slug === '') refuse('slug_empty');
		const existing = await trx
			.selectFrom('municipalities as m')
			.innerJoin('regions as r', 'r.id', 'm.region_id')
			.select(['m.id', 'm.region_id', 'r.name as regionName'])
			.where((eb) => (listed ? eb.or([eb('m.slug', '=', slug), eb('m.cbs_code', '=', listed.code)]) : eb('m.slug', '=', slug)))
			.executeTakeFirst();
		if (existing) {
			if (existing.region_id === region.id) refuse('already_in_region');
			refuse('other_region', existing.regionName);
		}
		const id = newId();
		await trx.insertInto('municipalities').values({ id, slug, name, region_id: region.id, cbs_code: listed?.code ?? null }).execute();
		await recordAudit(trx, {
			action: 'municipality.added',
			actor: ctx.actor,
			object: { type: 'municipality', id, label: name },
			regionId: region.id,
			origin: ctx.origin,
			detail: { cbsCode: listed?.code ?? null },
			at: ctx.now
		});
		return { id, name, cbsCode: listed?.code ?? null };
	});
}

/** Sets (or, with null, clears) the region's centrumgemeente; it must be one of the region's own gemeenten. */
export async function setCentrumMunicipality(db: Db, ctx: AdminContext, input: { regionId: string; municipalityId: string | null }) {
	return asInstanceAdmin(db, ctx, async (trx) => {
		const region = await trx.selectFrom('regions').select(['id', 'centrum_municipality_id']).where('id', '=', input.regionId).executeTakeFirst();
		if (!region) refuse('not_found');
		let label: string | null = null;
		if (input.municipalityId !== null) {
			const municipality = await trx.selectFrom('municipalities').select(['id', 'name', 'region_id']).where('id', '=', input.municipalityId).executeTakeFirst();
			if (!municipality || municipality.region_id !== region.id) refuse('not_in_region');
			label = municipality.name;
		}
		if (region.centrum_municipality_id !== input.municipalityId) {
			await trx.updateTable('regions').set({ centrum_municipality_id: input.municipalityId }).where('id', '=', region.id).execute();
			await recordAudit(trx, {
				action: 'municipality.centrum_set',
				actor: ctx.actor,
				object: { type: 'municipality', id: input.municipalityId, label },
				regionId: region.id,
				origin: ctx.origin,
				detail: { cleared: input.municipalityId === null },
				at: ctx.now
			});
		}
		return { municipalityId: input.municipalityId };
	});
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import {
	addMunicipality,
	availableGemeenten,
	createRegion,
	findGemeente,
	GEMEENTEN,
	getRegion,
	isInstanceAdmin,
	listRegions,
	renameRegion,
	setCentrumMunicipality,
	slugify,
	type AdminContext
} from './region-admin.ts';
import { seedDemo } from './demo.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { createUser } from './user.ts';

let t: TestDatabase;
let admin: AdminContext;
let stranger: AdminContext;

beforeEach(async () => {
	t = await createTestDatabase();
	const a = await createUser(t.db, { email: 'admin@kring.test', name: 'Ina Admin', password: null });
	await t.db.updateTable('users').set({ instance_admin: 1 }).where('id', '=', a.id).execute();
	const s = await createUser(t.db, { email: 'regio@kring.test', name: 'Rob Regiobeheerder', password: null });
	admin = { actor: { id: a.id, name: a.name }, origin: '10.0.0.1' };
	stranger = { actor: { id: s.id, name: s.name } };
});
afterEach(async () => t.close());

/** Everything a refused call might have touched. */
async function snapshot() {
	const [regions, municipalities, memberships, audit] = await Promise.all([
		t.db.selectFrom('regions').selectAll().orderBy('id').execute(),
		t.db.selectFrom('municipalities').selectAll().orderBy('id').execute(),
		t.db.selectFrom('region_memberships').select(['user_id', 'region_id', 'role']).orderBy('user_id').execute(),
		t.db.selectFrom('audit_log').selectAll().orderBy('id').execute()
	]);
	return { regions, municipalities, memberships, audit };
}

async function region(name: string) {
	const result = await createRegion(t.db, admin, { name });
	if (!result.ok) throw new Error(result.error);
	return result;
}

describe('the CBS list of gemeenten', () => {
	it('has all 342 gemeenten, each with a unique GM code and name', () => {
		expect(GEMEENTEN).toHaveLength(342);
		expect(new Set(GEMEENTEN.map((g) => g.code)).size).toBe(342);
		expect(new Set(GEMEENTEN.map((g) => g.name)).size).toBe(342);
		expect(new Set(GEMEENTEN.map((g) => slugify(g.name))).size).toBe(342);
		for (const g of GEMEENTEN) expect(g.code).toMatch(/^GM\d{4}$/);
		expect(findGemeente('Arnhem')).toEqual({ code: 'GM0202', name: 'Arnhem' });
	});

	it('knows every gemeente of the demo regions', async () => {
		const { regions } = JSON.parse(await readFile(join(DEMO_DIR, 'regions.json'), 'utf8')) as { regions: { municipalities: { slug: string; name: string }[] }[] };
		for (const m of regions.flatMap((r) => r.municipalities)) {
			const found = findGemeente(m.name);
			expect(found, m.name).not.toBeNull();
			expect(slugify(found!.name)).toBe(m.slug);
		}
	});

	it('finds a gemeente by a typed name: case, accents and common names ignored', () => {
		expect(findGemeente('  súdwest-fryslân ')?.code).toBe('GM1900');
		expect(findGemeente('Sudwest-Fryslan')?.code).toBe('GM1900');
		expect(findGemeente('Den Haag')?.name).toBe("'s-Gravenhage");
		expect(findGemeente('den bosch')?.code).toBe('GM0796');
		expect(findGemeente('Bergen (NH)')?.code).toBe('GM0373');
		expect(findGemeente('bergen l')?.code).toBe('GM0893');
		expect(findGemeente("'s-Gravenhage")?.code).toBe('GM0518');
		expect(findGemeente('Nergenshuizen')).toBeNull();
	});
});

describe('slugs', () => {
	it('are lower-case ASCII words joined by dashes', () => {
		expect(slugify('Noord-Oost Gelderland')).toBe('noord-oost-gelderland');
		expect(slugify("  Regio 's-Hertogenbosch & Meierij ")).toBe('regio-s-hertogenbosch-meierij');
		expect(slugify('Zuid-Limburg (Heuvelland)')).toBe('zuid-limburg-heuvelland');
		expect(slugify('!!!')).toBe('');
	});
});

describe('isInstanceAdmin', () => {
	it('is the demo beheerder in the demo data, and nobody else there', async () => {
		const demo = await createTestDatabase();
		try {
			await seedDemo(demo.db, DEMO_DIR);
			const admins = await demo.db.selectFrom('users').select('email').where('instance_admin', '=', 1).execute();
			expect(admins).toEqual([{ email: 'beheerder@kring.example' }]);
		} finally {
			await demo.close();
		}
	});

	it('is true for the instance admin only, and not once deactivated', async () => {
		expect(await isInstanceAdmin(t.db, admin.actor.id)).toBe(true);
		expect(await isInstanceAdmin(t.db, stranger.actor.id)).toBe(false);
		expect(await isInstanceAdmin(t.db, 'unknown')).toBe(false);
		await t.db.updateTable('users').set({ deactivated_at: Date.now() }).where('id', '=', admin.actor.id).execute();
		expect(await isInstanceAdmin(t.db, admin.actor.id)).toBe(false);
	});
});

describe('creating a region', () => {
	it('makes a slug from the name, makes the creator its beheerder and writes the audit rows', async () => {
		const created = await region('Regio Twente');
		expect(created).toMatchObject({ ok: true, slug: 'regio-twente', name: 'Regio Twente' });
		const membership = await t.db.selectFrom('region_memberships').selectAll().where('region_id', '=', created.id).execute();
		expect(membership).toMatchObject([{ user_id: admin.actor.id, role: 'admin' }]);
		const audit = await t.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
		expect(audit.map((a) => [a.action, a.region_id, a.actor_id, a.origin])).toEqual([
			['region.created', created.id, admin.actor.id, '10.0.0.1'],
			['role.granted', created.id, admin.actor.id, '10.0.0.1']
		]);
		expect((await listRegions(t.db)).map((r) => r.slug)).toEqual(['regio-twente']);
	});

	it('refuses an empty name, a 500-character name, a name without letters and a duplicate slug', async () => {
		await region('Regio Twente');
		const before = await snapshot();
		expect(await createRegion(t.db, admin, { name: '' })).toEqual({ ok: false, error: 'name_empty' });
		expect(await createRegion(t.db, admin, { name: '   ' })).toEqual({ ok: false, error: 'name_empty' });
		expect(await createRegion(t.db, admin, { name: 'x'.repeat(500) })).toEqual({ ok: false, error: 'name_too_long' });
		expect(await createRegion(t.db, admin, { name: '!!!' })).toEqual({ ok: false, error: 'slug_empty' });
		expect(await createRegion(t.db, admin, { name: 'regio  TWENTE' })).toEqual({ ok: false, error: 'slug_taken' });
		expect(await snapshot()).toEqual(before);
	});
});

describe('renaming a region', () => {
	it('changes the name and keeps the slug', async () => {
		const created = await region('Regio Twente');
		expect(await renameRegion(t.db, admin, { regionId: created.id, name: 'Twente' })).toEqual({ ok: true, slug: 'regio-twente', name: 'Twente' });
		expect((await getRegion(t.db, 'regio-twente'))?.name).toBe('Twente');
		const last = await t.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
		expect(last).toMatchObject({ action: 'region.renamed', object_id: created.id, object_label: 'Twente', region_id: created.id });
	});

	it('refuses bad names and unknown regions', async () => {
		const created = await region('Regio Twente');
		const before = await snapshot();
		expect(await renameRegion(t.db, admin, { regionId: created.id, name: '' })).toEqual({ ok: false, error: 'name_empty' });
		expect(await renameRegion(t.db, admin, { regionId: created.id, name: 'x'.repeat(500) })).toEqual({ ok: false, error: 'name_too_long' });
		expect(await renameRegion(t.db, admin, { regionId: 'nope', name: 'Twente' })).toEqual({ ok: false, error: 'not_found' });
		expect(await snapshot()).toEqual(before);
	});
});

describe('gemeenten of a region', () => {
	it('adds one from the CBS list with its code, and a typed one without', async () => {
		const created = await region('Regio Twente');
		expect(await addMunicipality(t.db, admin, { regionId: created.id, name: 'enschede' })).toMatchObject({ ok: true, name: 'Enschede', cbsCode: 'GM0153' });
		expect(await addMunicipality(t.db, admin, { regionId: created.id, name: 'Nieuw-Twente' })).toMatchObject({ ok: true, name: 'Nieuw-Twente', cbsCode: null });
		const detail = (await getRegion(t.db, 'regio-twente'))!;
		expect(detail.municipalities.map((m) => [m.name, m.slug, m.cbsCode])).toEqual([
			['Enschede', 'enschede', 'GM0153'],
			['Nieuw-Twente', 'nieuw-twente', null]
		]);
		const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'municipality.added').execute();
		expect(audit.map((a) => [a.object_label, a.region_id])).toEqual([
			['Enschede', created.id],
			['Nieuw-Twente', created.id]
		]);
		expect((await availableGemeenten(t.db)).some((g) => g.code === 'GM0153')).toBe(false);
		expect(await availableGemeenten(t.db)).toHaveLength(341);
	});

	it('refuses a gemeente already in this region or in another one, and bad names', async () => {
		const twente = await region('Regio Twente');
		const ijssel = await region('IJsselland');
		await addMunicipality(t.db, admin, { regionId: twente.id, name: 'Hengelo' });
		const before = await snapshot();
		expect(await addMunicipality(t.db, admin, { regionId: twente.id, name: 'HENGELO' })).toEqual({ ok: false, error: 'already_in_region' });
		expect(await addMunicipality(t.db, admin, { regionId: ijssel.id, name: 'Hengelo' })).toEqual({ ok: false, error: 'other_region', regionName: 'Regio Twente' });
		expect(await addMunicipality(t.db, admin, { regionId: ijssel.id, name: '' })).toEqual({ ok: false, error: 'name_empty' });
		expect(await addMunicipality(t.db, admin, { regionId: ijssel.id, name: 'x'.repeat(500) })).toEqual({ ok: false, error: 'name_too_long' });
		expect(await addMunicipality(t.db, admin, { regionId: 'nope', name: 'Zwolle' })).toEqual({ ok: false, error: 'not_found' });
		expect(await snapshot()).toEqual(before);
	});

	it('sets the centrumgemeente to one of the region, clears it, and refuses one of another region', async () => {
		const twente = await region('Regio Twente');
		const ijssel = await region('IJsselland');
		const enschede = await addMunicipality(t.db, admin, { regionId: twente.id, name: 'Enschede' });
		const zwolle = await addMunicipality(t.db, admin, { regionId: ijssel.id, name: 'Zwolle' });
		if (!enschede.ok || !zwolle.ok) throw new Error('setup');
		expect(await setCentrumMunicipality(t.db, admin, { regionId: twente.id, municipalityId: enschede.id })).toEqual({ ok: true, municipalityId: enschede.id });
		expect((await getRegion(t.db, 'regio-twente'))?.centrumId).toBe(enschede.id);
		expect((await listRegions(t.db)).find((r) => r.id === twente.id)?.centrumName).toBe('Enschede');
		const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'municipality.centrum_set').execute();
		expect(audit).toMatchObject([{ object_id: enschede.id, object_label: 'Enschede', region_id: twente.id }]);

		const before = await snapshot();
		expect(await setCentrumMunicipality(t.db, admin, { regionId: twente.id, municipalityId: zwolle.id })).toEqual({ ok: false, error: 'not_in_region' });
		expect(await setCentrumMunicipality(t.db, admin, { regionId: twente.id, municipalityId: 'nope' })).toEqual({ ok: false, error: 'not_in_region' });
		expect(await snapshot()).toEqual(before);

		expect(await setCentrumMunicipality(t.db, admin, { regionId: twente.id, municipalityId: null })).toEqual({ ok: true, municipalityId: null });
		expect((await getRegion(t.db, 'regio-twente'))?.centrumId).toBeNull();
	});
});

describe('rights', () => {
	it('refuse every form to someone who is not the instance admin — even a region admin — and change nothing', async () => {
		const twente = await region('Regio Twente');
		const enschede = await addMunicipality(t.db, admin, { regionId: twente.id, name: 'Enschede' });
		if (!enschede.ok) throw new Error('setup');
		await t.db.insertInto('region_memberships').values({ user_id: stranger.actor.id, region_id: twente.id, role: 'admin' }).execute();
		const before = await snapshot();
		expect(await createRegion(t.db, stranger, { name: 'Regio Zelfgemaakt' })).toEqual({ ok: false, error: 'forbidden' });
		expect(await renameRegion(t.db, stranger, { regionId: twente.id, name: 'Overgenomen' })).toEqual({ ok: false, error: 'forbidden' });
		expect(await addMunicipality(t.db, stranger, { regionId: twente.id, name: 'Almelo' })).toEqual({ ok: false, error: 'forbidden' });
		expect(await setCentrumMunicipality(t.db, stranger, { regionId: twente.id, municipalityId: enschede.id })).toEqual({ ok: false, error: 'forbidden' });
		expect(await snapshot()).toEqual(before);
	});

	it('refuse a deactivated instance admin', async () => {
		await t.db.updateTable('users').set({ deactivated_at: Date.now() }).where('id', '=', admin.actor.id).execute();
		expect(await createRegion(t.db, admin, { name: 'Regio Twente' })).toEqual({ ok: false, error: 'forbidden' });
		expect(await listRegions(t.db)).toEqual([]);
	});
});

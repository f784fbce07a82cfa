import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import type { MunicipalityRole, RegionRole } from './schema.ts';
import { seedAdoptionDemo } from './adoption-demo.ts';
import { seedPlans, type WriteDocument } from './plan-seed.ts';
import { createUser } from './user.ts';

/**
 * The demo workspace a fresh install opens on: the regions and gemeenten of
 * the source documents, and login accounts for every role. The people are
 * invented; the README lists the accounts and the shared password.
 */
export const DEMO_PASSWORD = 'samen-veilig-2026';

export interface DemoAccount {
	email: string;
	name: string;
	regionRoles: Record<string, RegionRole>;
	municipalityRoles: Record<string, MunicipalityRole>;
	/** the instance admin of the demo installation (regions, gemeenten, accounts) */
	instanceAdmin?: boolean;
}

const ALL_REGIONS = ['noord-oost-gelderland', 'arnhem-achterhoek', 'kennemerland'];
const everywhere = (role: RegionRole) => Object.fromEntries(ALL_REGIONS.map((slug) => [slug, role]));

export const DEMO_ACCOUNTS: DemoAccount[] = [
	{ email: 'beheerder@kring.example', name: 'Sanne Bakker', regionRoles: everywhere('admin'), municipalityRoles: {}, instanceAdmin: true },
	{ email: 'werkgroep@kring.example', name: 'Joris van Dam', regionRoles: everywhere('editor'), municipalityRoles: {} },
	{
		email: 'ambassadeur@kring.example',
		name: 'Fatma Yılmaz',
		regionRoles: { 'noord-oost-gelderland': 'viewer' },
		municipalityRoles: {}
	},
	{
		email: 'arnhem@kring.example',
		name: 'Ruben Mulder',
		regionRoles: { 'arnhem-achterhoek': 'viewer' },
		municipalityRoles: { arnhem: 'municipal_editor' }
	},
	{
		email: 'doetinchem@kring.example',
		name: 'Noor Hendriks',
		regionRoles: { 'arnhem-achterhoek': 'viewer' },
		municipalityRoles: { doetinchem: 'municipal_editor' }
	},
	{ email: 'lezer@kring.example', name: 'Els de Wit', regionRoles: everywhere('viewer'), municipalityRoles: {} }
];

interface DemoRegions {
	regions: {
		slug: string;
		name: string;
		centrumgemeente?: string;
		municipalities: { slug: string; name: string }[];
	}[];
}

export async function isEmpty(db: Db): Promise<boolean> {
	const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	return Number(row.n) === 0;
}

/**
 * Fills an empty database with the demo regions, accounts and — when given a
 * way to store documents — the plans of the source documents.
 */
export async function seedDemo(db: Db, demoDir: string, writeDocument?: WriteDocument): Promise<void> {
	const { regions } = JSON.parse(await readFile(join(demoDir, 'regions.json'), 'utf8')) as DemoRegions;
	const regionIds = new Map<string, string>();
	const municipalityIds = new Map<string, string>();
	for (const region of regions) {
		const regionId = newId();
		regionIds.set(region.slug, regionId);
		await db.insertInto('regions').values({ id: regionId, slug: region.slug, name: region.name, centrum_municipality_id: null }).execute();
		for (const m of region.municipalities) {
			const id = newId();
			municipalityIds.set(m.slug, id);
			await db.insertInto('municipalities').values({ id, slug: m.slug, name: m.name, region_id: regionId }).execute();
		}
		if (region.centrumgemeente) {
			await db
				.updateTable('regions')
				.set({ centrum_municipality_id: municipalityIds.get(region.centrumgemeente) ?? null })
				.where('id', '=', regionId)
				.execute();
		}
	}
	for (const account of DEMO_ACCOUNTS) {
		const user = await createUser(db, { email: account.email, name: account.name, password: DEMO_PASSWORD });
		if (account.instanceAdmin) await db.updateTable('users').set({ instance_admin: 1 }).where('id', '=', user.id).execute();
		for (const [slug, role] of Object.entries(account.regionRoles)) {
			const regionId = regionIds.get(slug);
			if (regionId) await db.insertInto('region_memberships').values({ user_id: user.id, region_id: regionId, role }).execute();
		}
		for (const [slug, role] of Object.entries(account.municipalityRoles)) {
			const municipalityId = municipalityIds.get(slug);
			if (municipalityId)
				await db.insertInto('municipality_memberships').values({ user_id: user.id, municipality_id: municipalityId, role }).execute();
		}
	}
	if (!writeDocument) return;
	// the documents as written, so the demo's adopted version can be frozen from them
	const written = new Map<string, Uint8Array>();
	await seedPlans(db, demoDir, async (name, update) => {
		written.set(name, update);
		await writeDocument(name, update);
	});
	await seedAdoptionDemo(db, demoDir, async (name) => written.get(name) ?? new Uint8Array([0, 0]));
}

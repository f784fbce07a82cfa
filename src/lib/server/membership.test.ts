import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import { listMyMunicipalities, listMyRegions } from './membership.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getUserByEmail } from './user.ts';

let t: TestDatabase;
beforeEach(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR);
});
afterEach(async () => t.close());

async function userId(email: string) {
	return (await getUserByEmail(t.db, email))!.id;
}

describe('my regions', () => {
	it('lists every region a region member belongs to, with the role', async () => {
		const regions = await listMyRegions(t.db, await userId('beheerder@kring.example'));
		expect(regions.map((r) => [r.name, r.role])).toEqual([
			['Arnhem-Achterhoek', 'admin'],
			['Kennemerland', 'admin'],
			['Noord-Oost Gelderland', 'admin']
		]);
		expect(regions.find((r) => r.slug === 'noord-oost-gelderland')?.municipalityCount).toBe(14);
	});

	it("lists a gemeente editor's gemeente", async () => {
		const municipalities = await listMyMunicipalities(t.db, await userId('arnhem@kring.example'));
		expect(municipalities.map((m) => [m.name, m.role])).toEqual([['Arnhem', 'municipal_editor']]);
	});
});

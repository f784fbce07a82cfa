import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import { listIndicators } from './indicators.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
});
afterAll(async () => t.close());

const planId = async (slug: string) => (await t.db.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;

describe('indicators of a plan', () => {
	it('come with their values per year and place, as the source document gives them', async () => {
		const indicators = await listIndicators(t.db, await planId('arnhem-achterhoek-samen-veilig-2019-2022'));
		const meldingen = indicators.find((i) => i.name === 'Aantal meldingen bij Veilig Thuis')!;
		expect(meldingen.values).toEqual(
			expect.arrayContaining([
				{ year: 2018, place: 'Regio Arnhem', value: 2170 },
				{ year: 2018, place: 'Achterhoek', value: 1151 }
			])
		);
		// a figure for the whole region has no place
		expect(indicators.find((i) => i.name.startsWith('Moviera: advies'))!.values).toEqual([{ year: 2018, place: null, value: 578 }]);
	});

	it('an indicator without figures yet is still listed, with no values', async () => {
		const indicators = await listIndicators(t.db, await planId('noord-oost-gelderland-uitvoeringsagenda-2024-2028'));
		expect(indicators.length).toBeGreaterThan(0);
		expect(indicators.every((i) => i.values.length === 0)).toBe(true);
	});
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import { listIndicators, removeIndicatorValue, setIndicatorValue } from './indicators.ts';
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
				expect.objectContaining({ year: 2018, place: 'Regio Arnhem', value: 2170 }),
				expect.objectContaining({ year: 2018, place: 'Achterhoek', value: 1151 })
			])
		);
		// a figure for the whole region has no place
		expect(indicators.find((i) => i.name.startsWith('Moviera: advies'))!.values).toEqual([expect.objectContaining({ year: 2018, place: null, value: 578 })]);
	});

	it('a figure for a year and place is set, replaced, and removed', async () => {
		const [indicator] = await listIndicators(t.db, await planId('noord-oost-gelderland-uitvoeringsagenda-2024-2028'));
		const epe = (await t.db.selectFrom('municipalities').select('id').where('slug', '=', 'epe').executeTakeFirstOrThrow()).id;
		await setIndicatorValue(t.db, { indicatorId: indicator.id, year: 2024, place: null, value: 1200 });
		await setIndicatorValue(t.db, { indicatorId: indicator.id, year: 2024, place: { municipalityId: epe }, value: 80 });
		await setIndicatorValue(t.db, { indicatorId: indicator.id, year: 2024, place: null, value: 1250.5 });
		const values = async () => (await listIndicators(t.db, await planId('noord-oost-gelderland-uitvoeringsagenda-2024-2028'))).find((i) => i.id === indicator.id)!.values;
		// the whole region first, then the places
		expect(await values()).toEqual([
			expect.objectContaining({ year: 2024, place: null, value: 1250.5 }),
			expect.objectContaining({ year: 2024, place: 'Epe', value: 80 })
		]);
		expect(await removeIndicatorValue(t.db, { indicatorId: indicator.id, year: 2024, place: { municipalityId: epe } })).toBe(true);
		expect((await values()).map((v) => v.place)).toEqual([null]);
		await removeIndicatorValue(t.db, { indicatorId: indicator.id, year: 2024, place: null });
	});

	it('an indicator without figures yet is still listed, with no values', async () => {
		const indicators = await listIndicators(t.db, await planId('noord-oost-gelderland-uitvoeringsagenda-2024-2028'));
		expect(indicators.length).toBeGreaterThan(0);
		expect(indicators.every((i) => i.values.length === 0)).toBe(true);
	});
});

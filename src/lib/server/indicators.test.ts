import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import {
	archiveIndicator,
	createIndicator,
	listArchivedIndicators,
	listIndicators,
	removeIndicatorValue,
	restoreIndicator,
	setIndicatorValue,
	setIndicatorValues,
	updateIndicator
} from './indicators.ts';
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

describe('indicators that editors shape', () => {
	const samenVeilig = () => planId('arnhem-achterhoek-samen-veilig-2019-2022');
	const mu = async (slug: string) => (await t.db.selectFrom('municipalities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;

	it('a name is required, at most 200 characters and unique in the plan; a unit is required', async () => {
		const plan = await samenVeilig();
		expect(await createIndicator(t.db, plan, { name: ' ', unit: 'aantal' })).toEqual({ ok: false, error: 'name_required' });
		expect(await createIndicator(t.db, plan, { name: 'x'.repeat(500), unit: 'aantal' })).toEqual({ ok: false, error: 'name_too_long' });
		expect(await createIndicator(t.db, plan, { name: 'aantal MELDINGEN bij veilig thuis', unit: 'aantal' })).toEqual({ ok: false, error: 'name_duplicate' });
		expect(await createIndicator(t.db, plan, { name: 'Nieuwe indicator', unit: '  ' })).toEqual({ ok: false, error: 'unit_required' });
		expect(await createIndicator(t.db, plan, { name: 'Nieuwe indicator', unit: 'u'.repeat(51) })).toEqual({ ok: false, error: 'unit_too_long' });
	});

	it('is created with unit, source, description and places of the region, and listed last', async () => {
		const plan = await samenVeilig();
		const arnhem = await mu('arnhem');
		const created = await createIndicator(t.db, plan, {
			name: 'Huisverboden per gemeente',
			unit: 'aantal',
			source: 'Politie',
			description: 'Opgelegde tijdelijke huisverboden.',
			places: [`gemeente:${arnhem}`, 'deel: Achterhoek ', '', `gemeente:${arnhem}`]
		});
		expect(created.ok).toBe(true);
		const list = await listIndicators(t.db, plan);
		expect(list.at(-1)).toMatchObject({
			name: 'Huisverboden per gemeente',
			source: 'Politie',
			description: 'Opgelegde tijdelijke huisverboden.',
			places: ['', 'deel:Achterhoek', `gemeente:${arnhem}`]
		});
		// a gemeente of another region is no place of this plan
		const apeldoorn = await mu('apeldoorn');
		expect(await createIndicator(t.db, plan, { name: 'Elders', unit: 'aantal', places: [`gemeente:${apeldoorn}`] })).toEqual({ ok: false, error: 'place_unknown' });
	});

	it('is renamed, keeps its figures, and is archived and restored', async () => {
		const plan = await samenVeilig();
		const created = await createIndicator(t.db, plan, { name: 'Te hernoemen', unit: 'aantal' });
		if (!created.ok) throw new Error(created.error);
		await setIndicatorValues(t.db, created.value, [
			{ year: 2020, place: null, value: 5 },
			{ year: 2021, place: null, value: 7 }
		]);
		expect(await updateIndicator(t.db, plan, created.value, { name: 'Aantal huisverboden', unit: 'aantal' })).toEqual({ ok: false, error: 'name_duplicate' });
		expect(await updateIndicator(t.db, plan, created.value, { name: 'Hernoemd', unit: '%' })).toEqual({ ok: true, value: undefined });
		const other = await planId('noord-oost-gelderland-uitvoeringsagenda-2024-2028');
		expect(await updateIndicator(t.db, other, created.value, { name: 'Gekaapt', unit: '%' })).toEqual({ ok: false, error: 'not_found' });
		let found = (await listIndicators(t.db, plan)).find((i) => i.id === created.value)!;
		expect(found).toMatchObject({ name: 'Hernoemd', unit: '%' });
		expect(found.values.map((v) => v.value)).toEqual([5, 7]);

		expect(await archiveIndicator(t.db, plan, created.value, 'u1')).toEqual({ ok: true, value: undefined });
		expect((await listIndicators(t.db, plan)).map((i) => i.id)).not.toContain(created.value);
		expect((await listArchivedIndicators(t.db, plan)).map((i) => i.id)).toContain(created.value);
		expect(await restoreIndicator(t.db, plan, created.value)).toEqual({ ok: true, value: undefined });
		found = (await listIndicators(t.db, plan)).find((i) => i.id === created.value)!;
		expect(found.values).toHaveLength(2);
	});
});

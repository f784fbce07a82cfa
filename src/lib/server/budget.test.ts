import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { getBudget, removeFundingAmount, setFundingAmount } from './budget.ts';
import { seedDemo } from './demo.ts';
import { createFundingSource } from './funding.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
let planId: string;

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	planId = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'arnhem-achterhoek-samen-veilig-2019-2022').executeTakeFirstOrThrow()).id;
});
afterAll(async () => t.close());

describe('budget overview', () => {
	it('lists the plan’s funding sources with their amounts per year and the total', async () => {
		const budget = await getBudget(t.db, planId);
		const du = budget.sources.find((s) => s.name.startsWith('DU Vrouwenopvang — vrouwenopvang'))!;
		expect(du.amounts[2019]).toBe(3_100_000);
		expect(budget.years).toContain(2019);
	});

	it('the regional total is the DU figure: a gemeente’s local amounts are not added to it', async () => {
		// Samen Veilig: DU Vrouwenopvang 2019 € 5,2 mln over four regional sources; Rheden's
		// € 7.500 + € 5.000 are the gemeente's own budget, not part of the regional figure.
		const budget = await getBudget(t.db, planId);
		expect(budget.totals.budget).toBe(5_200_000);
	});

	it('adds up what actions cost against a source, and keeps costs without a source apart', async () => {
		const [source] = (await getBudget(t.db, planId)).sources;
		const [a, b, c] = await t.db.selectFrom('actions').select('id').where('plan_id', '=', planId).where('archived_at', 'is', null).limit(3).execute();
		await t.db.updateTable('actions').set({ cost_amount: 40_000, funding_source_id: source.id }).where('id', '=', a.id).execute();
		await t.db.updateTable('actions').set({ cost_amount: null, funding_source_id: source.id }).where('id', '=', b.id).execute();
		await t.db.updateTable('actions').set({ cost_amount: 15_000, funding_source_id: null }).where('id', '=', c.id).execute();
		const budget = await getBudget(t.db, planId);
		const after = budget.sources.find((s) => s.id === source.id)!;
		expect(after.actions.map((x) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
		expect(after.actions.find((x) => x.id === a.id)?.cost).toBe(40_000);
		expect(after.allocated).toBe(after.actions.reduce((sum, x) => sum + (x.cost ?? 0), 0));
		expect(after.allocated).toBeGreaterThanOrEqual(40_000);
		expect(budget.unfunded).toContainEqual({ id: c.id, title: expect.any(String), cost: 15_000 });
	});

	it('an amount for a year is set, replaced and removed, and the total follows', async () => {
		const [source] = (await getBudget(t.db, planId)).sources;
		await setFundingAmount(t.db, { sourceId: source.id, year: 2021, amount: 250_000 });
		await setFundingAmount(t.db, { sourceId: source.id, year: 2021, amount: 275_000 });
		let after = (await getBudget(t.db, planId)).sources.find((s) => s.id === source.id)!;
		expect(after.amounts[2021]).toBe(275_000);
		expect(after.total).toBe(source.total + 275_000);
		expect(await removeFundingAmount(t.db, { sourceId: source.id, year: 2021 })).toBe(true);
		after = (await getBudget(t.db, planId)).sources.find((s) => s.id === source.id)!;
		expect(after.amounts[2021]).toBeUndefined();
		expect(after.total).toBe(source.total);
	});

	it('leaves archived actions out', async () => {
		const [source] = (await getBudget(t.db, planId)).sources;
		const funded = source.actions[0];
		await t.db.updateTable('actions').set({ archived_at: Date.now() }).where('id', '=', funded.id).execute();
		expect((await getBudget(t.db, planId)).sources.find((s) => s.id === source.id)!.actions.map((x) => x.id)).not.toContain(funded.id);
	});
});

describe('budget roll-ups', () => {
	let nog: string;
	let epe: string;
	let heerde: string;
	beforeAll(async () => {
		nog = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'noord-oost-gelderland-uitvoeringsagenda-2024-2028').executeTakeFirstOrThrow()).id;
		const mu = async (slug: string) => (await t.db.selectFrom('municipalities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
		epe = await mu('epe');
		heerde = await mu('heerde');
	});
	const create = async (input: Parameters<typeof createFundingSource>[2]) => {
		const outcome = await createFundingSource(t.db, nog, input);
		if (!outcome.ok) throw new Error(outcome.error);
		return outcome.value;
	};

	it('a parent counts its own amount for a year, else the sum of its parts — never both', async () => {
		const du = await create({ name: 'DU Vrouwenopvang NOG', scope: 'regional' });
		const north = await create({ name: 'DU — Noord', scope: 'regional', parentId: du });
		const south = await create({ name: 'DU — Zuid', scope: 'regional', parentId: du });
		await setFundingAmount(t.db, { sourceId: du, year: 2024, amount: 1_000_000 });
		await setFundingAmount(t.db, { sourceId: north, year: 2024, amount: 600_000 });
		await setFundingAmount(t.db, { sourceId: south, year: 2024, amount: 400_000 });
		await setFundingAmount(t.db, { sourceId: north, year: 2025, amount: 650_000 });
		await setFundingAmount(t.db, { sourceId: south, year: 2025, amount: 420_000 });
		const budget = await getBudget(t.db, nog);
		const parent = budget.sources.find((s) => s.id === du)!;
		expect(parent.figures).toEqual({ 2024: 1_000_000, 2025: 1_070_000 });
		expect(parent.total).toBe(2_070_000);
		// the parts follow their parent, one level deeper
		const index = budget.sources.findIndex((s) => s.id === du);
		expect(budget.sources.slice(index + 1, index + 3).map((s) => [s.id, s.depth])).toEqual(
			expect.arrayContaining([
				[north, 1],
				[south, 1]
			])
		);
		expect(budget.totals.budget).toBe(2_070_000);
		expect(budget.perYear.find((y) => y.year === 2025)).toMatchObject({ regional: 1_070_000, local: 0 });
	});

	it('per gemeente: its own local sources (a part of its own source once) and the costs of its actions', async () => {
		const epeWmo = await create({ name: 'Wmo Epe', scope: 'local', municipalityId: epe });
		const epePart = await create({ name: 'Wmo Epe — preventie', scope: 'local', municipalityId: epe, parentId: epeWmo });
		const heerdeWmo = await create({ name: 'Wmo Heerde', scope: 'local', municipalityId: heerde });
		await setFundingAmount(t.db, { sourceId: epeWmo, year: 2024, amount: 50_000 });
		await setFundingAmount(t.db, { sourceId: epePart, year: 2024, amount: 20_000 });
		await setFundingAmount(t.db, { sourceId: heerdeWmo, year: 2024, amount: 30_000 });
		const [action] = await t.db.selectFrom('actions').select('id').where('plan_id', '=', nog).where('archived_at', 'is', null).limit(1).execute();
		await t.db
			.updateTable('actions')
			.set({ municipality_id: epe, cost_amount: 12_000, funding_source_id: epeWmo, planning_start: '2024-03' })
			.where('id', '=', action.id)
			.execute();
		const budget = await getBudget(t.db, nog);
		expect(budget.municipalities.find((m) => m.id === epe)).toMatchObject({ name: 'Epe', budget: 50_000, cost: 12_000, actions: 1 });
		expect(budget.municipalities.find((m) => m.id === heerde)).toMatchObject({ budget: 30_000, cost: 0, actions: 0 });
		// the local total leaves the regional one alone
		expect(budget.totals.local).toBe(80_000);
		expect(budget.totals.budget).toBe(2_070_000);
		expect(budget.perYear.find((y) => y.year === 2024)).toMatchObject({ regional: 1_000_000, local: 80_000, cost: 12_000 });
	});

	it('per theme: what its live actions cost, funded and not', async () => {
		const actions = await t.db
			.selectFrom('actions')
			.select(['id', 'theme_id'])
			.where('plan_id', '=', nog)
			.where('archived_at', 'is', null)
			.orderBy('position')
			.execute();
		const themeId = actions[1].theme_id;
		const inTheme = actions.filter((a) => a.theme_id === themeId);
		expect(inTheme.length).toBeGreaterThanOrEqual(2);
		const source = (await getBudget(t.db, nog)).sources[0];
		await t.db.updateTable('actions').set({ cost_amount: null, funding_source_id: null }).where('theme_id', '=', themeId).execute();
		await t.db.updateTable('actions').set({ cost_amount: 10_000, funding_source_id: source.id, planning_start: null }).where('id', '=', inTheme[0].id).execute();
		await t.db.updateTable('actions').set({ cost_amount: 5_000, funding_source_id: null, planning_start: '2026-01' }).where('id', '=', inTheme[1].id).execute();
		let budget = await getBudget(t.db, nog);
		expect(budget.themes.find((th) => th.id === themeId)).toMatchObject({ cost: 15_000, funded: 10_000, unfunded: 5_000 });
		expect(budget.perYear.find((y) => y.year === 2026)?.cost).toBe(5_000);
		expect(budget.costUnplanned).toBeGreaterThanOrEqual(10_000);
		// archiving the theme takes its actions out of every roll-up
		await t.db.updateTable('themes').set({ archived_at: Date.now() }).where('id', '=', themeId).execute();
		budget = await getBudget(t.db, nog);
		expect(budget.themes.map((th) => th.id)).not.toContain(themeId);
		expect(budget.unfunded.map((a) => a.id)).not.toContain(inTheme[1].id);
		await t.db.updateTable('themes').set({ archived_at: null }).where('id', '=', themeId).execute();
	});
});

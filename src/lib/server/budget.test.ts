import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { getBudget, removeFundingAmount, setFundingAmount } from './budget.ts';
import { seedDemo } from './demo.ts';
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
		expect(budget.totals.budget).toBe(budget.sources.reduce((sum, s) => sum + s.total, 0));
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

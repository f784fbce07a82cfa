import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import { publishPlanChange, publishPresenceChange, subscribePlan, subscribePresence } from './events.ts';
import { archiveAction, moveActionToTheme } from './plan.ts';
import { presenceByTheme, streamPresence, type DocumentPresence, type ThemePresence } from './plan-presence.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
let planId: string;
let otherPlanAction: string;
/** two themes of the plan, each with at least three actions */
let themes: Array<{ id: string; actions: string[] }>;

const anna = { id: 'u-anna', name: 'Anna de Vries', color: '#2a6f97' };
const bram = { id: 'u-bram', name: 'Bram Bakker', color: '#9a3412' };
const cees = { id: 'u-cees', name: 'Cees Jansen', color: '#166534' };

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	const rows = await t.db
		.selectFrom('actions')
		.innerJoin('themes', 'themes.id', 'actions.theme_id')
		.select(['actions.id', 'actions.theme_id', 'actions.plan_id'])
		.where('actions.archived_at', 'is', null)
		.where('themes.archived_at', 'is', null)
		.orderBy('actions.plan_id')
		.orderBy('themes.position')
		.orderBy('actions.position')
		.execute();
	const perPlan = new Map<string, Map<string, string[]>>();
	for (const row of rows) {
		const plan = perPlan.get(row.plan_id) ?? new Map<string, string[]>();
		perPlan.set(row.plan_id, plan);
		plan.set(row.theme_id, [...(plan.get(row.theme_id) ?? []), row.id]);
	}
	const [id, byTheme] = [...perPlan].find(([, plan]) => [...plan.values()].filter((a) => a.length >= 3).length >= 2)!;
	planId = id;
	themes = [...byTheme]
		.filter(([, actions]) => actions.length >= 3)
		.slice(0, 2)
		.map(([themeId, actions]) => ({ id: themeId, actions }));
	otherPlanAction = rows.find((r) => r.plan_id !== planId)!.id;
});
afterAll(async () => t.close());

describe('presenceByTheme', () => {
	it("counts a theme's own text and its actions' cards, each person once, by name", async () => {
		const [first, second] = themes;
		const docs: DocumentPresence[] = [
			{ name: `action:${first.actions[0]}`, users: [cees, anna] },
			{ name: `action:${first.actions[1]}`, users: [anna] },
			{ name: `theme:${first.id}`, users: [bram] },
			{ name: `theme:${second.id}`, users: [cees] }
		];
		expect(await presenceByTheme(t.db, planId, docs)).toEqual({ [first.id]: [anna, bram, cees], [second.id]: [cees] });
	});

	it("leaves out the plan's introduction, other plans, unknown and archived documents", async () => {
		const [first] = themes;
		await archiveAction(t.db, first.actions[2], null);
		const docs: DocumentPresence[] = [
			{ name: `plan:${planId}`, users: [anna] },
			{ name: `action:${otherPlanAction}`, users: [anna] },
			{ name: 'action:doesnotexist', users: [anna] },
			{ name: 'nonsense', users: [anna] },
			{ name: `action:${first.actions[2]}`, users: [bram] }
		];
		expect(await presenceByTheme(t.db, planId, docs)).toEqual({});
		expect(await presenceByTheme(t.db, planId, [])).toEqual({});
	});
});

describe('streamPresence', () => {
	async function settle(ms = 80) {
		await new Promise((resolve) => setTimeout(resolve, ms));
	}

	it('sends the start, then each change once, follows a moved action, and stops', async () => {
		const [first, second] = themes;
		let docs: DocumentPresence[] = [];
		const sent: ThemePresence[] = [];
		const stop = streamPresence({
			db: t.db,
			planId,
			read: () => docs,
			send: (p) => sent.push(p),
			delayMs: 10,
			subscribe: { presence: subscribePresence, plan: subscribePlan }
		});
		await settle();
		expect(sent).toEqual([{}]);

		docs = [{ name: `action:${first.actions[0]}`, users: [anna] }];
		publishPresenceChange(planId);
		publishPresenceChange(planId);
		await settle();
		expect(sent).toEqual([{}, { [first.id]: [anna] }]);

		// nothing new for this plan: nothing sent; another plan's signal is not heard
		publishPresenceChange(planId);
		publishPresenceChange('someotherplan');
		await settle();
		expect(sent).toHaveLength(2);

		// the card moves to the other theme: its person moves along
		await moveActionToTheme(t.db, first.actions[0], second.id);
		publishPlanChange({ planId, kind: 'structure', id: first.actions[0] });
		await settle();
		expect(sent.at(-1)).toEqual({ [second.id]: [anna] });

		stop();
		docs = [];
		publishPresenceChange(planId);
		await settle();
		expect(sent).toHaveLength(3);
	});
});

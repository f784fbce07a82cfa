import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import { groupClosePlan, planClose } from './review-close.ts';
import { closeCycle, createCycle, cycleActions, getCycle, loadClosePlan, openCycle, recordDecision, saveReview, type CloseEnv, type CycleAction, type DecisionRow } from './review.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

const action = (id: string): CycleAction => ({ id, title: `Actie ${id}`, status: 'in_progress', level: 'regional', themeId: 't', themeTitle: 'Thema', themeNumber: '1', lead: null });
const decision = (actionId: string, verdict: DecisionRow['verdict'], decisionText = ''): DecisionRow => ({
	actionId,
	verdict,
	deferred: verdict === null,
	decisionText,
	flagged: verdict === 'strengthen',
	successorActionId: null,
	decidedByName: 'Sanne',
	decidedAt: 1
});

describe('planClose', () => {
	const actions = ['a', 'b', 'c', 'd', 'e', 'f'].map(action);

	it('gives each verdict its outcome, in plan order', () => {
		const plan = planClose({
			actions,
			decisions: [decision('a', 'drop'), decision('b', 'renew'), decision('c', 'strengthen', 'Scherper'), decision('d', 'keep'), decision('e', null)],
			reviews: []
		});
		expect(plan.items.map((i) => [i.actionId, i.outcome])).toEqual([
			['a', 'archive'],
			['b', 'renew'],
			['c', 'flag'],
			['d', 'keep'],
			['e', 'later'],
			['f', 'later']
		]);
		expect(plan.undecided).toEqual(['f']);
		expect(groupClosePlan(plan).archive.map((i) => i.actionId)).toEqual(['a']);
	});

	it("archives with the decision's text, else the review's reason", () => {
		const plan = planClose({
			actions: actions.slice(0, 2),
			decisions: [decision('a', 'drop', 'Geen draagvlak'), decision('b', 'renew')],
			reviews: [
				{ actionId: 'a', reason: 'uit de voorbereiding' },
				{ actionId: 'b', reason: 'Nieuwe opzet' }
			]
		});
		expect(plan.items.map((i) => i.reason)).toEqual(['Geen draagvlak', 'Nieuwe opzet']);
	});

	it('changes its key when a decision changes, not otherwise', () => {
		const one = planClose({ actions, decisions: [decision('a', 'drop')], reviews: [] });
		expect(planClose({ actions, decisions: [decision('a', 'drop')], reviews: [] }).key).toBe(one.key);
		expect(planClose({ actions, decisions: [decision('a', 'keep')], reviews: [] }).key).not.toBe(one.key);
	});
});

describe('the close preview against closing, on the Kennemerland plan', () => {
	let t: TestDatabase;
	let planId: string;
	let adminId: string;
	const docs = new Map<string, Uint8Array>();
	const env: CloseEnv = {
		createDocument: (name, update) => void docs.set(name, update),
		readDocument: async (name) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc())
	};

	beforeAll(async () => {
		t = await createTestDatabase();
		await seedDemo(t.db, DEMO_DIR, env.createDocument);
		planId = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'kennemerland-actieprogramma-2021-2024').executeTakeFirstOrThrow()).id;
		adminId = (await t.db.selectFrom('users').select('id').where('email', '=', 'beheerder@kring.example').executeTakeFirstOrThrow()).id;
	});
	afterAll(async () => t.close());

	async function openedCycle(title: string) {
		const cycleId = await createCycle(t.db, { planId, year: 2025, title, facilitatorId: adminId, sessionDate: null, prepDeadline: null, createdBy: adminId });
		await openCycle(t.db, cycleId);
		const cycle = (await getCycle(t.db, cycleId))!;
		return { cycle, actions: await cycleActions(t.db, cycle) };
	}

	it('does exactly what the preview listed', async () => {
		const { cycle, actions } = await openedCycle('Evaluatie preview');
		const [dropped, renewed, strengthened, kept] = actions.slice(-4);
		await saveReview(t.db, { cycleId: cycle.id, actionId: dropped.id, authorId: adminId, status: 'at_risk', achieved: '', progressNote: '', bottlenecks: '', proposedVerdict: 'drop', reason: 'Geen draagvlak' });
		for (const [a, verdict] of [
			[dropped, 'drop'],
			[renewed, 'renew'],
			[strengthened, 'strengthen'],
			[kept, 'keep']
		] as const) {
			await recordDecision(t.db, { cycleId: cycle.id, actionId: a.id, verdict, decisionText: '', userId: adminId });
		}
		const preview = groupClosePlan((await loadClosePlan(t.db, cycle)).plan);
		expect(preview.archive.map((i) => i.actionId)).toEqual([dropped.id]);
		expect(preview.renew.map((i) => i.actionId)).toEqual([renewed.id]);
		expect(preview.flag.map((i) => i.actionId)).toEqual([strengthened.id]);
		expect(preview.later.length).toBe(actions.length - 4);

		const { plan } = await loadClosePlan(t.db, cycle);
		const closed = await closeCycle(t.db, env, { cycleId: cycle.id, userId: adminId, confirmDeferred: true, label: 'V', adoptedAt: Date.now(), expectedKey: plan.key });
		if (!closed.ok) throw new Error(closed.error);

		const rows = await t.db.selectFrom('actions').select(['id', 'archived_at', 'archive_reason', 'predecessor_id']).where('plan_id', '=', planId).execute();
		const archived = new Set(rows.filter((r) => r.archived_at !== null).map((r) => r.id));
		const reviewed = new Set(actions.map((a) => a.id));
		// of the reviewed actions, exactly the previewed "archive" and "renew" ones are archived now
		expect([...archived].filter((id) => reviewed.has(id)).sort()).toEqual([...preview.archive, ...preview.renew].map((i) => i.actionId).sort());
		expect(rows.find((r) => r.id === dropped.id)?.archive_reason).toBe('Geen draagvlak');
		expect(rows.filter((r) => r.predecessor_id === renewed.id)).toHaveLength(1);
		const flags = await t.db.selectFrom('action_flags').select('action_id').execute();
		expect(flags.map((f) => f.action_id)).toContain(strengthened.id);
	});

	it('refuses a confirmation made on a preview whose decisions changed since', async () => {
		const { cycle, actions } = await openedCycle('Evaluatie verouderd');
		const target = actions.at(-5)!;
		const before = (await loadClosePlan(t.db, cycle)).plan;
		await recordDecision(t.db, { cycleId: cycle.id, actionId: target.id, verdict: 'drop', decisionText: '', userId: adminId });
		const result = await closeCycle(t.db, env, { cycleId: cycle.id, userId: adminId, confirmDeferred: true, label: 'V', adoptedAt: Date.now(), expectedKey: before.key });
		expect(result).toEqual({ ok: false, error: 'plan_changed' });
		expect((await getCycle(t.db, cycle.id))?.status).toBe('open');
		const row = await t.db.selectFrom('actions').select('archived_at').where('id', '=', target.id).executeTakeFirstOrThrow();
		expect(row.archived_at).toBeNull();
	});
});

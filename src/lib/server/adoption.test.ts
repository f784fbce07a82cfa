import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { loadUserRoles } from './access.ts';
import { EMPTY_FILTER, getBoard } from './board.ts';
import { adoptionTable, freezeVersion, isCalendarDate, municipalityDecisions, planStatus, recordAdoption, summarize, withinPeriod } from './adoption.ts';
import { seedDemo } from './demo.ts';
import { focusSet, getFocus, inFocus, proposalFromDecisions, setFocus } from './focus.ts';
import { addResponse, answerCheck, answerResponse, listResponses, responsesForAction } from './responses.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
const docs = new Map<string, Uint8Array>();
const read = async (name: string) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc());
let adminId: string;
const planId = async (slug: string) => (await t.db.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
const municipalityId = async (slug: string) => (await t.db.selectFrom('municipalities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, (name, update) => void docs.set(name, update));
	adminId = (await t.db.selectFrom('users').select('id').where('email', '=', 'beheerder@kring.example').executeTakeFirstOrThrow()).id;
});
afterAll(async () => t.close());

describe('the rules', () => {
	it('counts a version as adopted only when every college adopted it', () => {
		expect(summarize([], 14)).toMatchObject({ status: 'in_decision', adopted: 0, total: 14 });
		expect(summarize([{ decision: 'adopted' }, { decision: 'deferred' }], 2)).toMatchObject({ status: 'in_decision', adopted: 1, deferred: 1 });
		expect(summarize([{ decision: 'adopted' }, { decision: 'adopted' }], 2).status).toBe('adopted');
		expect(summarize([], 0).status).toBe('in_decision');
	});
	it('reads dates strictly and keeps them within the plan period', () => {
		expect(isCalendarDate('2025-02-28')).toBe(true);
		expect(isCalendarDate('2025-02-30')).toBe(false);
		expect(isCalendarDate('28-02-2025')).toBe(false);
		expect(withinPeriod('2024-01-01', { start: 2024, end: 2028 })).toBe(true);
		expect(withinPeriod('2028-12-31', { start: 2024, end: 2028 })).toBe(true);
		expect(withinPeriod('2023-12-31', { start: 2024, end: 2028 })).toBe(false);
		expect(withinPeriod('2029-01-01', { start: 2024, end: 2028 })).toBe(false);
	});
	it('asks for an answer before an outcome, and for the why of deels or niet', () => {
		expect(answerCheck({ answer: '', outcome: null, outcomeReason: '' }).ok).toBe(true);
		expect(answerCheck({ answer: '', outcome: 'processed', outcomeReason: '' })).toEqual({ ok: false, error: 'answer_needed' });
		expect(answerCheck({ answer: 'Ja', outcome: 'processed', outcomeReason: '' }).ok).toBe(true);
		expect(answerCheck({ answer: 'Ja', outcome: 'partly', outcomeReason: ' ' })).toEqual({ ok: false, error: 'reason_needed' });
		expect(answerCheck({ answer: 'Nee', outcome: 'not', outcomeReason: 'Lokaal' }).ok).toBe(true);
	});
	it('proposes next year: keep and strengthen stay, renew brings its successor, drop and undecided leave', () => {
		expect(
			proposalFromDecisions([
				{ actionId: 'a', verdict: 'keep', successorActionId: null },
				{ actionId: 'b', verdict: 'strengthen', successorActionId: null },
				{ actionId: 'c', verdict: 'renew', successorActionId: 'c2' },
				{ actionId: 'd', verdict: 'drop', successorActionId: null },
				{ actionId: 'e', verdict: null, successorActionId: null }
			])
		).toEqual(['a', 'b', 'c2']);
		expect(inFocus({ id: 'x', themeId: 't' }, new Set(['t']))).toBe(true);
		expect(inFocus({ id: 'x', themeId: 't' }, new Set(['y']))).toBe(false);
	});
});

describe('the demo: Kennemerland adopted its Actieprogramma and answered its councils', () => {
	it('has a version adopted by all eight colleges, and the plan is vastgesteld', async () => {
		const plan = await planId('kennemerland-actieprogramma-2021-2024');
		const version = await t.db.selectFrom('plan_versions').select('id').where('plan_id', '=', plan).executeTakeFirstOrThrow();
		const table = (await adoptionTable(t.db, version.id))!;
		expect(table.summary).toMatchObject({ status: 'adopted', adopted: 8, total: 8 });
		expect(await planStatus(t.db, plan)).toBe('adopted');
		const responses = await listResponses(t.db, version.id);
		expect(responses.length).toBeGreaterThanOrEqual(15);
		expect(new Set(responses.map((r) => r.municipalityName)).size).toBe(8);
		for (const r of responses) expect(r.targets.length).toBeGreaterThan(0);
		expect(Object.keys(await getFocus(t.db, plan))).toEqual(['2021']);
	});
	it('filters the board on the focus of 2021: only the doelstellingen 1, 2 and Monitoring', async () => {
		const plan = await planId('kennemerland-actieprogramma-2021-2024');
		const roles = await loadUserRoles(t.db, adminId);
		const board = (await getBoard(t.db, { planId: plan, roles, userId: adminId, userName: 'Sanne Bakker', filter: { ...EMPTY_FILTER, focus: 2021 }, today: '2021-06' }))!;
		expect(board.lanes.map((l) => l.title)).toEqual(['Lokale veld versterken (0-100 jaar)', 'Multidisciplinair en systeemgericht samenwerken', 'Monitoring en indicatoren']);
		const all = (await getBoard(t.db, { planId: plan, roles, userId: adminId, userName: 'Sanne Bakker', filter: EMPTY_FILTER, today: '2021-06' }))!;
		expect(all.lanes.length).toBeGreaterThan(3);
	});
	it('shows a gemeente its college decision', async () => {
		const rows = await municipalityDecisions(t.db, await municipalityId('velsen'));
		expect(rows.find((r) => r.decision === 'adopted')?.reference).toMatch(/^B&W-besluit 2021\//);
	});
});

describe('freezing and deciding on a version of NOG', () => {
	let plan: string;
	let versionId: string;
	beforeAll(async () => {
		plan = await planId('noord-oost-gelderland-uitvoeringsagenda-2024-2028');
	});
	it('is concept, then ter besluitvorming once frozen', async () => {
		expect(await planStatus(t.db, plan)).toBe('concept');
		versionId = (await freezeVersion(t.db, read, { planId: plan, label: 'Uitvoeringsagenda 2025, aangeboden aan de colleges', userId: adminId }))!;
		expect(await planStatus(t.db, plan)).toBe('in_decision');
	});
	it('records decisions within the period and refuses one outside, changing nothing', async () => {
		const apeldoorn = await municipalityId('apeldoorn');
		const base = { versionId, reference: 'B&W 2025/12', documentUrl: null, councilInformed: true, userId: adminId };
		expect(await recordAdoption(t.db, { ...base, municipalityId: apeldoorn, decision: 'adopted', decidedOn: '2025-03-04' })).toEqual({ ok: true });
		expect(await recordAdoption(t.db, { ...base, municipalityId: apeldoorn, decision: 'rejected', decidedOn: '2030-01-01' })).toEqual({
			ok: false,
			error: 'date_outside_period'
		});
		expect(await recordAdoption(t.db, { ...base, municipalityId: await municipalityId('haarlem'), decision: 'adopted', decidedOn: '2025-03-04' })).toEqual({
			ok: false,
			error: 'not_in_region'
		});
		const table = (await adoptionTable(t.db, versionId))!;
		expect(table.summary).toMatchObject({ adopted: 1, total: 14, status: 'in_decision' });
		expect(table.rows.find((r) => r.municipalityId === apeldoorn)?.adoption?.decision).toBe('adopted');
	});
	it('links a response only to themes or actions of its own plan', async () => {
		const action = await t.db.selectFrom('actions').select(['id', 'theme_id']).where('plan_id', '=', plan).executeTakeFirstOrThrow();
		const foreign = await t.db.selectFrom('actions').select('id').where('plan_id', '!=', plan).executeTakeFirstOrThrow();
		const base = { versionId, municipalityId: await municipalityId('zutphen'), body: 'council' as const, text: 'Meer aandacht voor ouderen', receivedOn: '2025-02-01', userId: adminId };
		const before = (await listResponses(t.db, versionId)).length;
		expect(await addResponse(t.db, { ...base, targetIds: [action.id, foreign.id] })).toEqual({ ok: false, error: 'foreign_target' });
		expect(await addResponse(t.db, { ...base, targetIds: [] })).toEqual({ ok: false, error: 'no_target' });
		expect((await listResponses(t.db, versionId)).length).toBe(before);
		const added = await addResponse(t.db, { ...base, targetIds: [action.id, action.theme_id] });
		expect(added.ok).toBe(true);
		const id = added.ok ? added.id : '';
		expect(await answerResponse(t.db, { versionId, responseId: id, answer: 'Dat doen we', outcome: 'partly', outcomeReason: '' })).toEqual({ ok: false, error: 'reason_needed' });
		expect(await answerResponse(t.db, { versionId, responseId: id, answer: 'Dat doen we', outcome: 'processed', outcomeReason: '' })).toEqual({ ok: true });
		const about = await responsesForAction(t.db, action.id);
		expect(about).toHaveLength(1);
		expect(about[0]).toMatchObject({ answer: 'Dat doen we', outcome: 'processed', municipalityName: 'Zutphen' });
	});
	it('sets a focus within the period, of its own themes and actions only', async () => {
		const theme = await t.db.selectFrom('themes').select('id').where('plan_id', '=', plan).executeTakeFirstOrThrow();
		const foreign = await t.db.selectFrom('themes').select('id').where('plan_id', '!=', plan).executeTakeFirstOrThrow();
		expect(await setFocus(t.db, { planId: plan, year: 2025, ids: [theme.id] })).toEqual({ ok: true });
		expect(await setFocus(t.db, { planId: plan, year: 2025, ids: [foreign.id] })).toEqual({ ok: false, error: 'foreign_target' });
		expect(await setFocus(t.db, { planId: plan, year: 2031, ids: [theme.id] })).toEqual({ ok: false, error: 'year_outside_period' });
		expect([...(await focusSet(t.db, plan, 2025))]).toEqual([theme.id]);
		expect(await getFocus(t.db, plan)).toEqual({ '2025': [theme.id] });
	});
});

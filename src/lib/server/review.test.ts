import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import {
	getActionHistory,
	castVote,
	closeCheck,
	closeCycle,
	createCycle,
	cycleActions,
	getCycle,
	listDecisions,
	openCheck,
	openCycle,
	recordDecision,
	saveReview,
	tally,
	transition,
	type CloseEnv
} from './review.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getVersion } from './version.ts';

describe('transition', () => {
	it('goes draft → open → closed, one step at a time', () => {
		expect(transition('draft', 'open')).toEqual({ ok: true });
		expect(transition('open', 'closed')).toEqual({ ok: true });
	});

	it('refuses to skip a step or go back', () => {
		expect(transition('draft', 'closed')).toEqual({ ok: false, error: 'not_open' });
		expect(transition('open', 'draft')).toMatchObject({ ok: false });
		expect(transition('open', 'open')).toMatchObject({ ok: false });
	});

	it('refuses anything after closing', () => {
		expect(transition('closed', 'closed')).toEqual({ ok: false, error: 'already_closed' });
		expect(transition('closed', 'open')).toEqual({ ok: false, error: 'already_closed' });
	});
});

describe('closeCheck', () => {
	const base = { status: 'open' as const, actionIds: ['a', 'b', 'c'], confirmDeferred: false };

	it('refuses to close while actions lack a decision, naming them', () => {
		const r = closeCheck({ ...base, decisions: [{ actionId: 'a', verdict: 'keep', deferred: false }] });
		expect(r).toEqual({ ok: false, error: 'undecided', missing: ['b', 'c'] });
	});

	it('accepts actions deferred with "besluit later" as decided', () => {
		const r = closeCheck({
			...base,
			decisions: [
				{ actionId: 'a', verdict: 'keep', deferred: false },
				{ actionId: 'b', verdict: null, deferred: true },
				{ actionId: 'c', verdict: 'drop', deferred: false }
			]
		});
		expect(r).toEqual({ ok: true });
	});

	it('closes with undecided actions only when "besluit later" is confirmed', () => {
		expect(closeCheck({ ...base, decisions: [], confirmDeferred: true })).toEqual({ ok: true });
	});

	it('refuses closing a closed or a draft cycle', () => {
		expect(closeCheck({ ...base, status: 'closed', decisions: [], confirmDeferred: true })).toEqual({ ok: false, error: 'already_closed' });
		expect(closeCheck({ ...base, status: 'draft', decisions: [], confirmDeferred: true })).toEqual({ ok: false, error: 'not_open' });
	});
});

describe('openCheck and tally', () => {
	it('accepts votes only in an open cycle', () => {
		expect(openCheck('open')).toEqual({ ok: true });
		expect(openCheck('closed')).toEqual({ ok: false, error: 'already_closed' });
		expect(openCheck('draft')).toEqual({ ok: false, error: 'not_open' });
	});

	it('counts votes per verdict, zero for the others', () => {
		expect(tally([{ verdict: 'keep' }, { verdict: 'drop' }, { verdict: 'keep' }])).toEqual({ keep: 2, strengthen: 0, renew: 0, drop: 1 });
	});
});

describe('closing a cycle on the Kennemerland plan', () => {
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

	it('freezes a version, archives a dropped action and links a renewed one', async () => {
		const cycleId = await createCycle(t.db, { planId, year: 2025, title: 'Evaluatie 2025', facilitatorId: adminId, sessionDate: null, prepDeadline: null, createdBy: adminId });
		expect(await openCycle(t.db, cycleId)).toEqual({ ok: true });
		expect(await openCycle(t.db, cycleId)).toMatchObject({ ok: false });
		const cycle = (await getCycle(t.db, cycleId))!;
		const [dropped, renewed, strengthened] = await cycleActions(t.db, cycle);
		await saveReview(t.db, { cycleId, actionId: dropped.id, authorId: adminId, status: 'at_risk', achieved: 'Weinig', progressNote: '', bottlenecks: 'Geen capaciteit', proposedVerdict: 'drop', reason: 'Geen draagvlak' });
		await castVote(t.db, { cycleId, actionId: dropped.id, userId: adminId, verdict: 'drop', opinion: 'Stoppen' });
		await recordDecision(t.db, { cycleId, actionId: dropped.id, verdict: 'drop', decisionText: 'Gestopt wegens gebrek aan draagvlak', userId: adminId });
		await recordDecision(t.db, { cycleId, actionId: renewed.id, verdict: 'renew', decisionText: 'Nieuwe opzet', userId: adminId });
		await recordDecision(t.db, { cycleId, actionId: strengthened.id, verdict: 'strengthen', decisionText: 'Tekst aanscherpen', userId: adminId });

		const refused = await closeCycle(t.db, env, { cycleId, userId: adminId, confirmDeferred: false, label: 'Versie 2025', adoptedAt: Date.now() });
		expect(refused).toMatchObject({ ok: false, error: 'undecided' });

		const closed = await closeCycle(t.db, env, { cycleId, userId: adminId, confirmDeferred: true, label: 'Versie 2025', adoptedAt: Date.now() });
		if (!closed.ok) throw new Error(closed.error);
		const again = await closeCycle(t.db, env, { cycleId, userId: adminId, confirmDeferred: true, label: 'Versie 2025', adoptedAt: Date.now() });
		expect(again).toEqual({ ok: false, error: 'already_closed' });

		const version = (await getVersion(t.db, closed.versionId))!;
		const frozen = version.snapshot.themes.flatMap((th) => th.actions);
		expect(frozen.map((a) => a.id)).toContain(dropped.id);
		expect(frozen.every((a) => typeof a.state === 'string')).toBe(true);

		const droppedRow = await t.db.selectFrom('actions').select(['archived_at', 'archive_reason']).where('id', '=', dropped.id).executeTakeFirstOrThrow();
		expect(droppedRow.archived_at).not.toBeNull();
		expect(droppedRow.archive_reason).toBe('Gestopt wegens gebrek aan draagvlak');

		const successor = await t.db.selectFrom('actions').select(['id', 'title', 'archived_at']).where('predecessor_id', '=', renewed.id).executeTakeFirstOrThrow();
		expect(successor.title).toBe(renewed.title);
		expect(successor.archived_at).toBeNull();

		const decisions = await listDecisions(t.db, cycleId);
		expect(decisions.find((d) => d.actionId === strengthened.id)).toMatchObject({ verdict: 'strengthen', flagged: true });
		expect(decisions.find((d) => d.actionId === renewed.id)?.successorActionId).toBe(successor.id);
		const others = decisions.filter((d) => ![dropped.id, renewed.id, strengthened.id].includes(d.actionId));
		expect(others.length).toBeGreaterThan(0);
		expect(others.every((d) => d.deferred && d.verdict === null)).toBe(true);
		const strengthenedRow = await t.db.selectFrom('actions').select('archived_at').where('id', '=', strengthened.id).executeTakeFirstOrThrow();
		expect(strengthenedRow.archived_at).toBeNull();

		// The renewed action carries its predecessor's year in its history.
		const history = await getActionHistory(t.db, successor.id);
		expect(history).toHaveLength(1);
		expect(history[0]).toMatchObject({ actionId: renewed.id, year: 2025, verdict: 'renew', decisionText: 'Nieuwe opzet' });
		const droppedHistory = await getActionHistory(t.db, dropped.id);
		expect(droppedHistory[0]).toMatchObject({ reviewStatus: 'at_risk', proposedVerdict: 'drop', verdict: 'drop' });
	});
});

import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { diffPlans } from '../review-diff.ts';
import { seedDemo } from './demo.ts';
import { closeCycle, createCycle, cycleActions, getCycle, openCycle, recordDecision, type CloseEnv } from './review.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getVersion, takeSnapshot } from './version.ts';

/** The compare page (/versies/<id>/vergelijk) right after an evaluation closed: the version against the live plan. */
describe('a version compared with the live plan right after closing its cycle', () => {
	let t: TestDatabase;
	const docs = new Map<string, Uint8Array>();
	const env: CloseEnv = {
		createDocument: (name, update) => void docs.set(name, update),
		readDocument: async (name) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc())
	};
	let diff: ReturnType<typeof diffPlans>;
	let renewedId: string;
	let droppedId: string;
	let successorId: string;

	beforeAll(async () => {
		t = await createTestDatabase();
		await seedDemo(t.db, DEMO_DIR, env.createDocument);
		const planId = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'kennemerland-actieprogramma-2021-2024').executeTakeFirstOrThrow()).id;
		const adminId = (await t.db.selectFrom('users').select('id').where('email', '=', 'beheerder@kring.example').executeTakeFirstOrThrow()).id;
		const cycleId = await createCycle(t.db, { planId, year: 2025, title: 'Evaluatie 2025', facilitatorId: adminId, sessionDate: null, prepDeadline: null, createdBy: adminId });
		await openCycle(t.db, cycleId);
		const [dropped, renewed] = await cycleActions(t.db, (await getCycle(t.db, cycleId))!);
		droppedId = dropped.id;
		renewedId = renewed.id;
		await recordDecision(t.db, { cycleId, actionId: dropped.id, verdict: 'drop', decisionText: 'Gestopt', userId: adminId });
		await recordDecision(t.db, { cycleId, actionId: renewed.id, verdict: 'renew', decisionText: 'Nieuwe opzet', userId: adminId });
		const closed = await closeCycle(t.db, env, { cycleId, userId: adminId, confirmDeferred: true, label: 'Versie 2025', adoptedAt: Date.now() });
		if (!closed.ok) throw new Error(closed.error);
		successorId = (await t.db.selectFrom('actions').select('id').where('predecessor_id', '=', renewed.id).executeTakeFirstOrThrow()).id;
		const version = (await getVersion(t.db, closed.versionId))!;
		const live = (await takeSnapshot(t.db, planId, env.readDocument, { withState: false }))!;
		diff = diffPlans(version.snapshot, live);
	});
	afterAll(async () => t.close());

	const changed = () => diff.themes.flatMap((th) => th.actions).filter((a) => a.change !== 'same');

	it('never shows one action as both added and removed', () => {
		const added = changed().filter((a) => a.change === 'added').map((a) => a.title);
		const removed = changed().filter((a) => a.change === 'removed').map((a) => a.title);
		expect(added.filter((title) => removed.includes(title))).toEqual([]);
	});

	it('shows a renewed action once, as renewed from its predecessor', () => {
		const rows = changed().filter((a) => a.id === successorId || a.id === renewedId);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ id: successorId, change: 'changed', renewedFrom: renewedId });
		expect(rows[0].status).toEqual({ before: expect.any(String), after: 'not_started' });
	});

	it('shows a dropped action as removed, and counts each action once', () => {
		expect(changed().find((a) => a.id === droppedId)?.change).toBe('removed');
		expect(diff.counts).toEqual({ added: 0, removed: 1, changed: 1 });
	});
});

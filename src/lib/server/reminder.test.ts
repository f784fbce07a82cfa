import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { countInboxUnread, listInbox } from './inbox.ts';
import { announceCycle, DEADLINE_NOTICE_MS, listMyReviewTasks, remindReviewers, reviewAssignments, sendDeadlineReminders, settleReminders } from './reminder.ts';
import { closeCycle, createCycle, cycleActions, getCycle, openCycle, saveReview } from './review.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

const DAY = 24 * 60 * 60 * 1000;

let t: TestDatabase;
const ids: Record<string, string> = {};
const plans: Record<string, string> = {};

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	for (const u of await t.db.selectFrom('users').select(['id', 'email']).execute()) ids[u.email.split('@')[0]] = u.id;
	for (const p of await t.db.selectFrom('plans').select(['id', 'slug']).execute()) plans[p.slug] = p.id;
});
afterAll(async () => t.close());

async function reader(name: string) {
	return { id: ids[name], roles: await loadUserRoles(t.db, ids[name]) };
}

async function unread(name: string) {
	return countInboxUnread(t.db, await reader(name));
}

async function reviewInbox(name: string) {
	return (await listInbox(t.db, await reader(name))).filter((n) => n.type === 'review');
}

async function openNewCycle(slug: string, prepDeadline: number | null = null): Promise<string> {
	const cycleId = await createCycle(t.db, {
		planId: plans[slug],
		year: 2025,
		title: `Evaluatie ${slug}`,
		facilitatorId: ids.beheerder,
		sessionDate: null,
		prepDeadline,
		createdBy: ids.beheerder
	});
	expect(await openCycle(t.db, cycleId)).toEqual({ ok: true });
	return cycleId;
}

async function fillAll(cycleId: string, actionIds: string[], authorId: string) {
	for (const actionId of actionIds) {
		await saveReview(t.db, { cycleId, actionId, authorId, status: 'in_progress', achieved: 'Gedaan', progressNote: '', bottlenecks: '', proposedVerdict: 'keep', reason: '' });
	}
}

const NOG = 'noord-oost-gelderland-uitvoeringsagenda-2024-2028';
const KENNEMERLAND = 'kennemerland-actieprogramma-2021-2024';
const ARNHEM = 'arnhem-uitvoeringsplan-2024-2028';

describe('who is asked for which review', () => {
	it("asks a theme's ambassador for its actions and the werkgroep for themes without one", async () => {
		const cycleId = await createCycle(t.db, { planId: plans[NOG], year: 2024, title: 'Toewijzing', facilitatorId: null, sessionDate: null, prepDeadline: null, createdBy: ids.beheerder });
		const cycle = (await getCycle(t.db, cycleId))!;
		const actions = await cycleActions(t.db, cycle);
		const people = await reviewAssignments(t.db, cycle);
		const ambassador = people.find((p) => p.userId === ids.ambassadeur)!;
		const werkgroep = people.find((p) => p.userId === ids.werkgroep)!;
		// every action is asked of someone, and the ambassador's actions are not also asked of the werkgroep
		expect(new Set([...ambassador.actionIds, ...werkgroep.actionIds]).size).toBe(actions.length);
		expect(ambassador.actionIds.some((id) => werkgroep.actionIds.includes(id))).toBe(false);
		expect(ambassador.actionIds.length).toBeGreaterThan(0);
		// invented ambassadors without an account that can sign in get no tasks; admins are not asked while there are editors
		expect(people.map((p) => p.userId).sort()).toEqual([ids.ambassadeur, ids.werkgroep].sort());
	});

	it("asks the gemeente's editors for a local plan", async () => {
		const cycleId = await createCycle(t.db, { planId: plans[ARNHEM], year: 2024, title: 'Arnhem', facilitatorId: null, sessionDate: null, prepDeadline: null, createdBy: ids.beheerder });
		const people = await reviewAssignments(t.db, (await getCycle(t.db, cycleId))!);
		expect(people.map((p) => p.userId)).toEqual([ids.arnhem]);
	});
});

describe('inbox reminders', () => {
	it("opening a cycle puts a reminder in each reviewer's inbox, with how many reviews are theirs", async () => {
		const before = await unread('werkgroep');
		const adminBefore = await unread('beheerder');
		const cycleId = await openNewCycle(KENNEMERLAND, Date.UTC(2030, 2, 12, 12));
		const sent = await announceCycle(t.db, { cycleId, actorId: ids.beheerder });
		expect(sent).toEqual([ids.werkgroep]);
		expect(await unread('werkgroep')).toBe(before + 1);
		expect(await unread('beheerder')).toBe(adminBefore);
		const [reminder] = (await reviewInbox('werkgroep')).filter((n) => n.cycleId === cycleId);
		const actions = await cycleActions(t.db, (await getCycle(t.db, cycleId))!);
		expect(reminder).toMatchObject({ kind: 'review_open', read: false, open: actions.length, total: actions.length, deadline: Date.UTC(2030, 2, 12, 12) });
	});

	it('a newer reminder replaces the unread one instead of piling up', async () => {
		const cycleId = await openNewCycle(KENNEMERLAND);
		await announceCycle(t.db, { cycleId, actorId: ids.beheerder });
		const before = await unread('werkgroep');
		await remindReviewers(t.db, { cycleId, kind: 'review_reminder', actorId: ids.beheerder });
		await remindReviewers(t.db, { cycleId, kind: 'review_reminder', actorId: ids.beheerder });
		expect(await unread('werkgroep')).toBe(before);
		const mine = (await reviewInbox('werkgroep')).filter((n) => n.cycleId === cycleId);
		expect(mine.map((n) => n.kind)).toEqual(['review_reminder']);
	});

	it('no reminder goes to the sender, nor to anyone once everything is filled in', async () => {
		const cycleId = await openNewCycle(KENNEMERLAND);
		expect(await remindReviewers(t.db, { cycleId, kind: 'review_reminder', actorId: ids.werkgroep })).toEqual([]);
		const actions = await cycleActions(t.db, (await getCycle(t.db, cycleId))!);
		await fillAll(
			cycleId,
			actions.map((a) => a.id),
			ids.beheerder
		);
		expect(await remindReviewers(t.db, { cycleId, kind: 'review_reminder', actorId: ids.beheerder })).toEqual([]);
	});

	it('reminders count as read once the reviewer has nothing left to fill, not before', async () => {
		const cycleId = await openNewCycle(NOG);
		await announceCycle(t.db, { cycleId, actorId: ids.beheerder });
		const ambassadorBefore = await unread('ambassadeur');
		const werkgroepBefore = await unread('werkgroep');
		const cycle = (await getCycle(t.db, cycleId))!;
		const own = (await reviewAssignments(t.db, cycle)).find((p) => p.userId === ids.ambassadeur)!.actionIds;

		await fillAll(cycleId, own.slice(0, -1), ids.ambassadeur);
		expect(await settleReminders(t.db, cycleId)).toEqual([]);
		expect((await reviewInbox('ambassadeur')).find((n) => n.cycleId === cycleId)).toMatchObject({ read: false, open: 1 });

		await fillAll(cycleId, own.slice(-1), ids.ambassadeur);
		expect(await settleReminders(t.db, cycleId)).toEqual([ids.ambassadeur]);
		expect(await unread('ambassadeur')).toBe(ambassadorBefore - 1);
		expect((await reviewInbox('ambassadeur')).find((n) => n.cycleId === cycleId)).toMatchObject({ read: true, open: 0 });
		expect(await unread('werkgroep')).toBe(werkgroepBefore);
	});

	it('closing the cycle settles every reminder of it', async () => {
		const cycleId = await openNewCycle(NOG);
		await announceCycle(t.db, { cycleId, actorId: ids.beheerder });
		const before = await unread('werkgroep');
		const env = { createDocument: () => {}, readDocument: async () => Y.encodeStateAsUpdate(new Y.Doc()) };
		const closed = await closeCycle(t.db, env, { cycleId, userId: ids.beheerder, confirmDeferred: true, label: 'Versie', adoptedAt: Date.now() });
		expect(closed.ok).toBe(true);
		expect(await settleReminders(t.db, cycleId)).toEqual(expect.arrayContaining([ids.werkgroep, ids.ambassadeur]));
		expect(await unread('werkgroep')).toBe(before - 1);
		expect((await reviewInbox('werkgroep')).find((n) => n.cycleId === cycleId)).toMatchObject({ cycleStatus: 'closed', read: true });
	});

	it('someone who lost their place in the region no longer sees the reminder', async () => {
		const cycleId = await openNewCycle(KENNEMERLAND);
		await announceCycle(t.db, { cycleId, actorId: ids.beheerder });
		const region = (await t.db.selectFrom('plans').select('region_id').where('id', '=', plans[KENNEMERLAND]).executeTakeFirstOrThrow()).region_id;
		const membership = await t.db.selectFrom('region_memberships').selectAll().where('user_id', '=', ids.werkgroep).where('region_id', '=', region).executeTakeFirstOrThrow();
		await t.db.deleteFrom('region_memberships').where('user_id', '=', ids.werkgroep).where('region_id', '=', region).execute();
		try {
			expect((await reviewInbox('werkgroep')).filter((n) => n.cycleId === cycleId)).toEqual([]);
		} finally {
			await t.db.insertInto('region_memberships').values(membership).execute();
		}
	});
});

describe('the automatic reminder before the deadline', () => {
	it('goes out once, within three days of the deadline', async () => {
		const deadline = Date.UTC(2031, 5, 20, 12);
		const cycleId = await openNewCycle(KENNEMERLAND, deadline);
		await announceCycle(t.db, { cycleId, actorId: ids.beheerder, now: deadline - 10 * DAY });
		const mine = (sent: { cycleId: string }[]) => sent.filter((s) => s.cycleId === cycleId);

		expect(mine(await sendDeadlineReminders(t.db, deadline - DEADLINE_NOTICE_MS - DAY))).toEqual([]);
		expect(mine(await sendDeadlineReminders(t.db, deadline - 2 * DAY))).toEqual([{ cycleId, userIds: [ids.werkgroep] }]);
		expect(mine(await sendDeadlineReminders(t.db, deadline - DAY))).toEqual([]);
		expect((await reviewInbox('werkgroep')).filter((n) => n.cycleId === cycleId).map((n) => n.kind)).toEqual(['review_deadline']);
	});

	it('is skipped when the cycle opened that close to the deadline (the opening message says it)', async () => {
		const deadline = Date.UTC(2032, 1, 10, 12);
		const cycleId = await openNewCycle(KENNEMERLAND, deadline);
		await announceCycle(t.db, { cycleId, actorId: ids.beheerder, now: deadline - DAY });
		const sent = await sendDeadlineReminders(t.db, deadline - DAY / 2);
		expect(sent.filter((s) => s.cycleId === cycleId)).toEqual([]);
	});

	it('is not sent for a deadline whose day has passed', async () => {
		const deadline = Date.UTC(2033, 3, 1, 12);
		const cycleId = await openNewCycle(KENNEMERLAND, deadline);
		await announceCycle(t.db, { cycleId, actorId: ids.beheerder, now: deadline - 30 * DAY });
		const sent = await sendDeadlineReminders(t.db, deadline + 2 * DAY);
		expect(sent.filter((s) => s.cycleId === cycleId)).toEqual([]);
	});
});

describe('evaluations to fill on Mijn Kring', () => {
	it('lists an open evaluation with my reviews to fill, until they are filled', async () => {
		const cycleId = await openNewCycle(ARNHEM, Date.UTC(2030, 0, 15, 12));
		const tasks = await listMyReviewTasks(t.db, await reader('arnhem'));
		const task = tasks.find((x) => x.cycleId === cycleId)!;
		expect(task).toMatchObject({ open: task.total, deadline: Date.UTC(2030, 0, 15, 12) });
		expect(task.total).toBeGreaterThan(0);
		expect((await listMyReviewTasks(t.db, await reader('beheerder'))).map((x) => x.cycleId)).not.toContain(cycleId);

		const own = (await reviewAssignments(t.db, (await getCycle(t.db, cycleId))!)).find((p) => p.userId === ids.arnhem)!.actionIds;
		await fillAll(cycleId, own, ids.arnhem);
		expect((await listMyReviewTasks(t.db, await reader('arnhem'))).map((x) => x.cycleId)).not.toContain(cycleId);
	});
});

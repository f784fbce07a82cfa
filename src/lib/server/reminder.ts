import { canReadRegion, type UserRoles } from './access.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import { cycleActions, getCycle, listReviews, type CycleRow } from './review.ts';
import { notificationsOf } from './thread.ts';
import type { CycleStatus, ReviewNotificationKind } from './schema.ts';

/**
 * Who prepares which reviews of an evaluation, and the inbox reminders that
 * keep them to it.
 *
 * The review of an action is asked of the ambassadors of its theme; a theme
 * without an ambassador who can sign in falls to the plan's editors (the
 * werkgroep, or the gemeente's editors for a local plan), and failing those
 * to the region's admins. One filled review finishes the action for all of
 * them. Accounts that cannot sign in get no tasks.
 *
 * Reminders are notifications with a cycle instead of a thread:
 *  - review_open: the cycle opened (sent by the admin who opened it);
 *  - review_reminder: sent by hand from the preparation page;
 *  - review_deadline: automatically, once, when the deadline is near.
 * A person keeps at most one unread reminder per cycle (a newer one replaces
 * it), and their reminders count as read once they have nothing left to fill
 * or the cycle closes.
 */

/** The automatic reminder goes out this long before the preparation deadline. */
export const DEADLINE_NOTICE_MS = 3 * 24 * 60 * 60 * 1000;
/** prep_deadline is noon (UTC) of the chosen day; after the day it is no use to remind. */
const DEADLINE_GRACE_MS = 12 * 60 * 60 * 1000;

export interface Reviewer {
	userId: string;
	name: string;
	/** every action this person is asked to review in the cycle */
	actionIds: string[];
	/** those still without a review */
	openActionIds: string[];
}

type CycleRef = Pick<CycleRow, 'id' | 'planId' | 'status'>;

/** Reviewers of a cycle, most open reviews first. */
export async function reviewAssignments(db: Db, cycle: CycleRef): Promise<Reviewer[]> {
	const plan = await db.selectFrom('plans').select(['region_id', 'scope', 'municipality_id']).where('id', '=', cycle.planId).executeTakeFirst();
	if (!plan) return [];
	const [actions, reviews] = await Promise.all([cycleActions(db, cycle), listReviews(db, cycle.id)]);
	if (!actions.length) return [];
	const themeIds = [...new Set(actions.map((a) => a.themeId))];
	const canSignIn = db.selectFrom('users').select('id').where('password_hash', 'is not', null);
	const regionMembers = (role: 'admin' | 'editor') =>
		db
			.selectFrom('region_memberships as rm')
			.innerJoin('users as u', 'u.id', 'rm.user_id')
			.select(['u.id', 'u.name'])
			.where('rm.region_id', '=', plan.region_id)
			.where('rm.role', '=', role)
			.where('u.id', 'in', canSignIn)
			.execute();
	const [ambassadors, editors, admins] = await Promise.all([
		db
			.selectFrom('theme_ambassadors as ta')
			.innerJoin('users as u', 'u.id', 'ta.user_id')
			.select(['ta.theme_id as themeId', 'u.id', 'u.name'])
			.where('ta.theme_id', 'in', themeIds)
			.where('u.id', 'in', canSignIn)
			.execute(),
		plan.scope === 'region'
			? regionMembers('editor')
			: db
					.selectFrom('municipality_memberships as mm')
					.innerJoin('users as u', 'u.id', 'mm.user_id')
					.select(['u.id', 'u.name'])
					.where('mm.municipality_id', '=', plan.municipality_id ?? '')
					.where('mm.role', '=', 'municipal_editor')
					.where('u.id', 'in', canSignIn)
					.execute(),
		regionMembers('admin')
	]);
	const fallback = editors.length ? editors : admins;
	const reviewed = new Set(reviews.map((r) => r.actionId));
	const people = new Map<string, Reviewer>();
	for (const action of actions) {
		const own = ambassadors.filter((a) => a.themeId === action.themeId);
		for (const person of own.length ? own : fallback) {
			let reviewer = people.get(person.id);
			if (!reviewer) people.set(person.id, (reviewer = { userId: person.id, name: person.name, actionIds: [], openActionIds: [] }));
			if (reviewer.actionIds.includes(action.id)) continue;
			reviewer.actionIds.push(action.id);
			if (!reviewed.has(action.id)) reviewer.openActionIds.push(action.id);
		}
	}
	return [...people.values()].sort((a, b) => b.openActionIds.length - a.openActionIds.length || a.name.localeCompare(b.name, 'nl'));
}

/**
 * Sends a reminder of `kind` to everyone with reviews still to fill in an
 * open cycle (not to the sender, unless the reminder is automatic). Returns
 * who got one, for the live inbox count.
 */
export async function remindReviewers(
	db: Db,
	input: { cycleId: string; kind: ReviewNotificationKind; actorId: string; now?: number }
): Promise<string[]> {
	const cycle = await getCycle(db, input.cycleId);
	if (!cycle || cycle.status !== 'open') return [];
	const recipients = (await reviewAssignments(db, cycle))
		.filter((r) => r.openActionIds.length > 0)
		.filter((r) => input.kind === 'review_deadline' || r.userId !== input.actorId)
		.map((r) => r.userId);
	if (!recipients.length) return [];
	const now = input.now ?? Date.now();
	await db.transaction().execute(async (trx) => {
		// one unread reminder per person and cycle: the newest replaces the one not yet read
		await trx.deleteFrom('notifications').where('cycle_id', '=', cycle.id).where('user_id', 'in', recipients).where('read_at', 'is', null).execute();
		await trx
			.insertInto('notifications')
			.values(
				recipients.map((userId) => ({
					id: newId(),
					user_id: userId,
					kind: input.kind,
					thread_id: null,
					cycle_id: cycle.id,
					comment_id: null,
					actor_id: input.actorId,
					created_at: now,
					read_at: null
				}))
			)
			.execute();
	});
	return recipients;
}

/**
 * Announces a cycle that just opened. When its deadline is already near,
 * this counts as the deadline reminder too (no second message a minute later).
 */
export async function announceCycle(db: Db, input: { cycleId: string; actorId: string; now?: number }): Promise<string[]> {
	const now = input.now ?? Date.now();
	await db
		.updateTable('review_cycles')
		.set({ deadline_reminded_at: now })
		.where('id', '=', input.cycleId)
		.where('prep_deadline', 'is not', null)
		.where('prep_deadline', '<=', now + DEADLINE_NOTICE_MS)
		.execute();
	return remindReviewers(db, { cycleId: input.cycleId, kind: 'review_open', actorId: input.actorId, now });
}

/**
 * The automatic reminders: for every open cycle whose preparation deadline is
 * within DEADLINE_NOTICE_MS (and not past its day), once. The cycle is
 * claimed before sending, so two sweeps never send twice.
 */
export async function sendDeadlineReminders(db: Db, now = Date.now()): Promise<{ cycleId: string; userIds: string[] }[]> {
	const due = await db
		.selectFrom('review_cycles')
		.select(['id', 'facilitator_id', 'created_by'])
		.where('status', '=', 'open')
		.where('deadline_reminded_at', 'is', null)
		.where('prep_deadline', 'is not', null)
		.where('prep_deadline', '<=', now + DEADLINE_NOTICE_MS)
		.where('prep_deadline', '>', now - DEADLINE_GRACE_MS)
		.execute();
	const sent: { cycleId: string; userIds: string[] }[] = [];
	for (const cycle of due) {
		const claimed = await db
			.updateTable('review_cycles')
			.set({ deadline_reminded_at: now })
			.where('id', '=', cycle.id)
			.where('deadline_reminded_at', 'is', null)
			.executeTakeFirst();
		if (Number(claimed.numUpdatedRows) !== 1) continue;
		const userIds = await remindReviewers(db, { cycleId: cycle.id, kind: 'review_deadline', actorId: cycle.facilitator_id ?? cycle.created_by, now });
		sent.push({ cycleId: cycle.id, userIds });
	}
	return sent;
}

/**
 * Marks reminders of a cycle read for those who have nothing left to fill
 * (everyone, once the cycle is no longer open). Returns whose inbox changed.
 */
export async function settleReminders(db: Db, cycleId: string, now = Date.now()): Promise<string[]> {
	const cycle = await getCycle(db, cycleId);
	if (!cycle) return [];
	const unread = await db.selectFrom('notifications').select('user_id').distinct().where('cycle_id', '=', cycleId).where('read_at', 'is', null).execute();
	if (!unread.length) return [];
	let done = unread.map((r) => r.user_id);
	if (cycle.status === 'open') {
		const busy = new Set((await reviewAssignments(db, cycle)).filter((r) => r.openActionIds.length > 0).map((r) => r.userId));
		done = done.filter((id) => !busy.has(id));
	}
	if (!done.length) return [];
	await db.updateTable('notifications').set({ read_at: now }).where('cycle_id', '=', cycleId).where('user_id', 'in', done).where('read_at', 'is', null).execute();
	return done;
}

export interface ReviewNotificationView {
	id: string;
	kind: ReviewNotificationKind;
	createdAt: number;
	read: boolean;
	actor: string;
	cycleId: string;
	cycleTitle: string;
	cycleStatus: CycleStatus;
	deadline: number | null;
	planId: string;
	planTitle: string;
	/** the reader's reviews in this cycle: still to fill, and in all */
	open: number;
	total: number;
}

export async function reviewNotificationRows(
	db: Db,
	actor: { id: string; roles: UserRoles },
	options: { unreadOnly: boolean; limit: number }
): Promise<ReviewNotificationView[]> {
	const rows = await notificationsOf(db, actor.id, options)
		.innerJoin('review_cycles as c', 'c.id', 'n.cycle_id')
		.innerJoin('plans as p', 'p.id', 'c.plan_id')
		.select([
			'c.id as cycle_id',
			'c.title as cycle_title',
			'c.status as cycle_status',
			'c.prep_deadline',
			'p.id as plan_id',
			'p.title as plan_title',
			'p.region_id'
		])
		.where('p.archived_at', 'is', null)
		.execute();
	const readable = rows.filter((r) => canReadRegion(actor.roles, r.region_id));
	const mine = new Map<string, { open: number; total: number }>();
	if (!options.unreadOnly) {
		for (const r of readable) {
			if (mine.has(r.cycle_id)) continue;
			const me = (await reviewAssignments(db, { id: r.cycle_id, planId: r.plan_id, status: r.cycle_status })).find((p) => p.userId === actor.id);
			mine.set(r.cycle_id, { open: r.cycle_status === 'open' ? (me?.openActionIds.length ?? 0) : 0, total: me?.actionIds.length ?? 0 });
		}
	}
	return readable.map((r) => ({
		id: r.id,
		kind: r.kind as ReviewNotificationKind,
		createdAt: r.created_at,
		read: r.read_at !== null,
		actor: r.actor,
		cycleId: r.cycle_id,
		cycleTitle: r.cycle_title,
		cycleStatus: r.cycle_status,
		deadline: r.prep_deadline,
		planId: r.plan_id,
		planTitle: r.plan_title,
		...(mine.get(r.cycle_id) ?? { open: 0, total: 0 })
	}));
}

export interface ReviewTask {
	cycleId: string;
	cycleTitle: string;
	planId: string;
	planTitle: string;
	deadline: number | null;
	open: number;
	total: number;
}

/** Open evaluations in which the user still has reviews to fill, nearest deadline first (for Mijn Kring). */
export async function listMyReviewTasks(db: Db, reader: { id: string; roles: UserRoles }): Promise<ReviewTask[]> {
	const cycles = await db
		.selectFrom('review_cycles as c')
		.innerJoin('plans as p', 'p.id', 'c.plan_id')
		.select(['c.id', 'c.title', 'c.prep_deadline', 'p.id as planId', 'p.title as planTitle', 'p.region_id'])
		.where('c.status', '=', 'open')
		.where('p.archived_at', 'is', null)
		.execute();
	const tasks: ReviewTask[] = [];
	for (const c of cycles.filter((c) => canReadRegion(reader.roles, c.region_id))) {
		const me = (await reviewAssignments(db, { id: c.id, planId: c.planId, status: 'open' })).find((r) => r.userId === reader.id);
		if (!me || me.openActionIds.length === 0) continue;
		tasks.push({
			cycleId: c.id,
			cycleTitle: c.title,
			planId: c.planId,
			planTitle: c.planTitle,
			deadline: c.prep_deadline,
			open: me.openActionIds.length,
			total: me.actionIds.length
		});
	}
	return tasks.sort((a, b) => (a.deadline ?? Infinity) - (b.deadline ?? Infinity));
}

import { isStatus, type Status } from '../action-doc.ts';
import { canEditPlan, canReadRegion, type UserRoles } from './access.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import type { CheckinRhythm } from './schema.ts';

/**
 * Ambassador check-ins: between evaluations, each theme's ambassadors give a
 * short update — what happened, what is next, where help is needed — and a
 * status per action of the theme.
 *
 * Rules:
 *  - a plan has a rhythm (off, month, quarter, half_year); at the start of
 *    each calendar period a round starts and every ambassador (who can sign
 *    in) of every theme of the plan is asked, in the inbox and by the
 *    notification mail. Setting a rhythm starts the current period's round
 *    at once; an editor can also start a round by hand (before a werkgroep
 *    meeting), which asks again;
 *  - only an ambassador of the theme files its check-in; a check-in answers
 *    the person's open requests for that theme, and a status that differs
 *    from the action's is a status change (the route applies it to the
 *    action's document);
 *  - a theme with ambassadors is stale when it had no check-in in the last
 *    two rounds that ended: with rounds r0 (current), r1, r2 … newest first,
 *    stale ⇔ r2 exists and no check-in since r2 started;
 *  - readers of the plan read its check-ins; editors of the plan set the rhythm.
 */
export const RHYTHMS = ['off', 'month', 'quarter', 'half_year'] as const satisfies readonly CheckinRhythm[];
export const CHECKIN_TEXT_MAX = 4000;

export type Refusal = { ok: false; reason: 'not_found' | 'forbidden' | 'invalid' };

/** The calendar period `at` falls in under a rhythm ('2026-12', '2026-Q4', '2026-H2'); null when off. */
export function periodKey(rhythm: CheckinRhythm, at: number): string | null {
	const d = new Date(at);
	const year = d.getUTCFullYear();
	const month = d.getUTCMonth();
	if (rhythm === 'month') return `${year}-${String(month + 1).padStart(2, '0')}`;
	if (rhythm === 'quarter') return `${year}-Q${Math.floor(month / 3) + 1}`;
	if (rhythm === 'half_year') return `${year}-H${month < 6 ? 1 : 2}`;
	return null;
}

export async function getRhythm(db: Db, planId: string): Promise<CheckinRhythm> {
	const row = await db.selectFrom('checkin_schedules').select('rhythm').where('plan_id', '=', planId).executeTakeFirst();
	return row?.rhythm ?? 'off';
}

interface PlanInfo {
	id: string;
	regionId: string;
	scope: 'region' | 'municipality';
	municipalityId: string | null;
	archived: boolean;
}

async function planInfo(db: Db, planId: string): Promise<PlanInfo | null> {
	const row = await db
		.selectFrom('plans')
		.select(['id', 'region_id', 'scope', 'municipality_id', 'archived_at'])
		.where('id', '=', planId)
		.executeTakeFirst();
	return row ? { id: row.id, regionId: row.region_id, scope: row.scope, municipalityId: row.municipality_id, archived: row.archived_at !== null } : null;
}

type Actor = { id: string; roles: UserRoles };

/** Who may set the rhythm and start a round: the plan's editors. */
export async function canManageCheckins(db: Db, actor: Actor, planId: string): Promise<boolean> {
	const plan = await planInfo(db, planId);
	return !!plan && !plan.archived && canEditPlan(actor.roles, plan);
}

/** Sets a plan's rhythm; a rhythm other than off starts the current period's round when it has none. Returns who was asked. */
export async function setRhythm(
	db: Db,
	input: { actor: Actor; planId: string; rhythm: CheckinRhythm; now?: number }
): Promise<{ ok: true; asked: string[] } | Refusal> {
	const now = input.now ?? Date.now();
	const plan = await planInfo(db, input.planId);
	if (!plan || !canReadRegion(input.actor.roles, plan.regionId)) return { ok: false, reason: 'not_found' };
	if (plan.archived || !canEditPlan(input.actor.roles, plan)) return { ok: false, reason: 'forbidden' };
	await db
		.insertInto('checkin_schedules')
		.values({ plan_id: plan.id, rhythm: input.rhythm, updated_by: input.actor.id, updated_at: now })
		.onConflict((oc) => oc.column('plan_id').doUpdateSet({ rhythm: input.rhythm, updated_by: input.actor.id, updated_at: now }))
		.execute();
	const period = periodKey(input.rhythm, now);
	if (!period) return { ok: true, asked: [] };
	const started = await startRound(db, { planId: plan.id, period, actorId: input.actor.id, now });
	return { ok: true, asked: started?.asked ?? [] };
}

/**
 * Starts a round and asks every ambassador of every live theme of the plan.
 * With a `period`, at most one round per plan and period (null: that period
 * already has its round). A person keeps one unread request per theme: a
 * newer one replaces it.
 */
export async function startRound(
	db: Db,
	input: { planId: string; period: string | null; actorId: string | null; now?: number }
): Promise<{ roundId: string; asked: string[] } | null> {
	const now = input.now ?? Date.now();
	const roundId = newId();
	const inserted = await db
		.insertInto('checkin_rounds')
		.values({ id: roundId, plan_id: input.planId, period: input.period, started_by: input.actorId, started_at: now })
		.onConflict((oc) => oc.columns(['plan_id', 'period']).where('period', 'is not', null).doNothing())
		.executeTakeFirst();
	if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return null;
	const ambassadors = await db
		.selectFrom('theme_ambassadors as ta')
		.innerJoin('themes as t', 't.id', 'ta.theme_id')
		.innerJoin('users as u', 'u.id', 'ta.user_id')
		.select(['ta.theme_id', 'ta.user_id'])
		.where('t.plan_id', '=', input.planId)
		.where('t.archived_at', 'is', null)
		.where('u.password_hash', 'is not', null)
		.where('u.deactivated_at', 'is', null)
		.execute();
	if (ambassadors.length) {
		await db.transaction().execute(async (trx) => {
			for (const a of ambassadors) {
				await trx
					.deleteFrom('checkin_requests')
					.where('user_id', '=', a.user_id)
					.where('theme_id', '=', a.theme_id)
					.where('read_at', 'is', null)
					.execute();
			}
			await trx
				.insertInto('checkin_requests')
				.values(
					ambassadors.map((a) => ({
						id: newId(),
						round_id: roundId,
						plan_id: input.planId,
						theme_id: a.theme_id,
						user_id: a.user_id,
						actor_id: input.actorId,
						created_at: now,
						read_at: null,
						answered_at: null,
						mailed_at: null
					}))
				)
				.execute();
		});
	}
	return { roundId, asked: [...new Set(ambassadors.map((a) => a.user_id))] };
}

/** By hand, by an editor of the plan: a new round now. */
export async function startRoundNow(db: Db, input: { actor: Actor; planId: string; now?: number }): Promise<{ ok: true; asked: string[] } | Refusal> {
	const plan = await planInfo(db, input.planId);
	if (!plan || !canReadRegion(input.actor.roles, plan.regionId)) return { ok: false, reason: 'not_found' };
	if (plan.archived || !canEditPlan(input.actor.roles, plan)) return { ok: false, reason: 'forbidden' };
	const started = await startRound(db, { planId: plan.id, period: null, actorId: input.actor.id, now: input.now });
	return { ok: true, asked: started?.asked ?? [] };
}

/** The sweep: every plan with a rhythm whose current period has no round yet gets one. Returns who was asked. */
export async function startDueRounds(db: Db, now = Date.now()): Promise<string[]> {
	const schedules = await db
		.selectFrom('checkin_schedules as s')
		.innerJoin('plans as p', 'p.id', 's.plan_id')
		.select(['s.plan_id', 's.rhythm'])
		.where('s.rhythm', '!=', 'off')
		.where('p.archived_at', 'is', null)
		.execute();
	const asked = new Set<string>();
	for (const s of schedules) {
		const period = periodKey(s.rhythm, now);
		if (!period) continue;
		const started = await startRound(db, { planId: s.plan_id, period, actorId: null, now });
		for (const id of started?.asked ?? []) asked.add(id);
	}
	return [...asked];
}

export interface CheckinStatus {
	actionId: string;
	status: Status;
	/** the action's status when the check-in was filed */
	previous: Status;
}

export interface CheckinInput {
	happened: string;
	next: string;
	help: string;
	/** action id → status, for actions of the theme */
	statuses: Record<string, string>;
}

/**
 * Files an ambassador's check-in. Returns the status changes, for the route
 * to apply to the actions' documents.
 */
export async function fileCheckin(
	db: Db,
	input: { actor: Actor; planId: string; themeId: string; checkin: CheckinInput; now?: number }
): Promise<{ ok: true; checkinId: string; changes: CheckinStatus[] } | Refusal> {
	const now = input.now ?? Date.now();
	const theme = await db
		.selectFrom('themes as t')
		.innerJoin('plans as p', 'p.id', 't.plan_id')
		.select(['t.id', 't.archived_at', 'p.id as plan_id', 'p.region_id', 'p.archived_at as plan_archived_at'])
		.where('t.id', '=', input.themeId)
		.executeTakeFirst();
	if (!theme || theme.plan_id !== input.planId || !canReadRegion(input.actor.roles, theme.region_id)) return { ok: false, reason: 'not_found' };
	if (!input.actor.roles.ambassadorOf.has(theme.id) || theme.archived_at !== null || theme.plan_archived_at !== null) return { ok: false, reason: 'forbidden' };
	const { happened, next, help } = input.checkin;
	const texts = [happened, next, help].map((t) => t.trim());
	if (texts.every((t) => t === '') || texts.some((t) => t.length > CHECKIN_TEXT_MAX)) return { ok: false, reason: 'invalid' };
	const actions = await db
		.selectFrom('actions')
		.select(['id', 'status'])
		.where('theme_id', '=', theme.id)
		.where('archived_at', 'is', null)
		.execute();
	const byId = new Map(actions.map((a) => [a.id, a.status as Status]));
	const statuses: CheckinStatus[] = [];
	for (const [actionId, status] of Object.entries(input.checkin.statuses)) {
		const previous = byId.get(actionId);
		if (!previous || !isStatus(status)) return { ok: false, reason: 'invalid' };
		statuses.push({ actionId, status, previous });
	}
	const round = await db
		.selectFrom('checkin_rounds')
		.select('id')
		.where('plan_id', '=', theme.plan_id)
		.where('started_at', '<=', now)
		.orderBy('started_at', 'desc')
		.limit(1)
		.executeTakeFirst();
	const checkinId = newId();
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('checkins')
			.values({
				id: checkinId,
				plan_id: theme.plan_id,
				theme_id: theme.id,
				round_id: round?.id ?? null,
				author_id: input.actor.id,
				happened: texts[0],
				next: texts[1],
				help: texts[2],
				statuses: JSON.stringify(statuses),
				created_at: now
			})
			.execute();
		// one check-in answers the theme's requests, of every ambassador
		await trx
			.updateTable('checkin_requests')
			.set({ answered_at: now, read_at: now })
			.where('theme_id', '=', theme.id)
			.where('answered_at', 'is', null)
			.execute();
	});
	return { ok: true, checkinId, changes: statuses.filter((s) => s.status !== s.previous) };
}

export interface CheckinView {
	id: string;
	themeId: string;
	themeTitle: string;
	author: { id: string; name: string };
	createdAt: number;
	happened: string;
	next: string;
	help: string;
	statuses: (CheckinStatus & { actionTitle: string })[];
}

function parseStatuses(json: string): CheckinStatus[] {
	try {
		const list = JSON.parse(json) as unknown;
		if (!Array.isArray(list)) return [];
		return list.filter(
			(s): s is CheckinStatus => !!s && typeof s === 'object' && typeof s.actionId === 'string' && isStatus(s.status) && isStatus(s.previous)
		);
	} catch {
		return [];
	}
}

/** A plan's check-ins, newest first; optionally of one theme, or since a moment. Null: no such plan or not readable. */
export async function listCheckins(
	db: Db,
	reader: Actor,
	input: { planId: string; themeId?: string; since?: number; limit?: number }
): Promise<CheckinView[] | null> {
	const plan = await planInfo(db, input.planId);
	if (!plan || !canReadRegion(reader.roles, plan.regionId)) return null;
	let query = db
		.selectFrom('checkins as c')
		.innerJoin('users as u', 'u.id', 'c.author_id')
		.innerJoin('themes as t', 't.id', 'c.theme_id')
		.select(['c.id', 'c.theme_id', 't.title as theme_title', 'c.author_id', 'u.name as author_name', 'c.created_at', 'c.happened', 'c.next', 'c.help', 'c.statuses'])
		.where('c.plan_id', '=', plan.id)
		.orderBy('c.created_at', 'desc')
		.orderBy('c.id', 'desc')
		.limit(input.limit ?? 500);
	if (input.themeId) query = query.where('c.theme_id', '=', input.themeId);
	if (input.since !== undefined) query = query.where('c.created_at', '>=', input.since);
	const rows = await query.execute();
	const statuses = rows.map((r) => parseStatuses(r.statuses));
	const actionIds = [...new Set(statuses.flat().map((s) => s.actionId))];
	const titles = new Map(
		actionIds.length ? (await db.selectFrom('actions').select(['id', 'title']).where('id', 'in', actionIds).execute()).map((a) => [a.id, a.title]) : []
	);
	return rows.map((r, i) => ({
		id: r.id,
		themeId: r.theme_id,
		themeTitle: r.theme_title,
		author: { id: r.author_id, name: r.author_name },
		createdAt: r.created_at,
		happened: r.happened,
		next: r.next,
		help: r.help,
		statuses: statuses[i].map((s) => ({ ...s, actionTitle: titles.get(s.actionId) ?? '' }))
	}));
}

export interface ThemeCheckinState {
	themeId: string;
	title: string;
	number: string | null;
	ambassadors: number;
	lastCheckinAt: number | null;
	stale: boolean;
}

/** Per live theme of the plan: its last check-in and whether it is stale (see the rules above). */
export async function themeCheckinStates(db: Db, planId: string): Promise<ThemeCheckinState[]> {
	const [themes, rounds, last, ambassadors] = await Promise.all([
		db.selectFrom('themes').select(['id', 'title', 'number']).where('plan_id', '=', planId).where('archived_at', 'is', null).orderBy('position').execute(),
		db.selectFrom('checkin_rounds').select('started_at').where('plan_id', '=', planId).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(3).execute(),
		db
			.selectFrom('checkins')
			.select(['theme_id', (eb) => eb.fn.max('created_at').as('at')])
			.where('plan_id', '=', planId)
			.groupBy('theme_id')
			.execute(),
		db
			.selectFrom('theme_ambassadors as ta')
			.innerJoin('themes as t', 't.id', 'ta.theme_id')
			.select(['ta.theme_id', (eb) => eb.fn.countAll<number>().as('n')])
			.where('t.plan_id', '=', planId)
			.groupBy('ta.theme_id')
			.execute()
	]);
	const lastAt = new Map(last.map((r) => [r.theme_id, Number(r.at)]));
	const count = new Map(ambassadors.map((r) => [r.theme_id, Number(r.n)]));
	const threshold = rounds.length >= 3 ? rounds[2].started_at : null;
	return themes.map((t) => {
		const at = lastAt.get(t.id) ?? null;
		const n = count.get(t.id) ?? 0;
		return {
			themeId: t.id,
			title: t.title,
			number: t.number,
			ambassadors: n,
			lastCheckinAt: at,
			stale: n > 0 && threshold !== null && (at === null || at < threshold)
		};
	});
}

export interface RoundView {
	id: string;
	period: string | null;
	startedAt: number;
	manual: boolean;
}

export async function listRounds(db: Db, planId: string, limit = 12): Promise<RoundView[]> {
	const rows = await db
		.selectFrom('checkin_rounds')
		.select(['id', 'period', 'started_at', 'started_by'])
		.where('plan_id', '=', planId)
		.orderBy('started_at', 'desc')
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
	return rows.map((r) => ({ id: r.id, period: r.period, startedAt: r.started_at, manual: r.period === null }));
}

export interface OpenThreadView {
	id: string;
	targetKind: 'plan' | 'theme' | 'action';
	targetId: string;
	targetTitle: string;
	createdAt: number;
	updatedAt: number;
	comments: number;
}

export interface Digest {
	since: number;
	checkins: CheckinView[];
	statusChanges: (CheckinStatus & { actionTitle: string; themeTitle: string; at: number; by: string })[];
	openThreads: OpenThreadView[];
	themes: ThemeCheckinState[];
}

/**
 * "Sinds het vorige overleg": what a werkgroep meeting goes through — the
 * check-ins since a moment, the status changes they reported, the threads
 * still open that started or moved since then, and the stale themes.
 */
export async function checkinDigest(db: Db, reader: Actor, input: { planId: string; since: number }): Promise<Digest | null> {
	const checkins = await listCheckins(db, reader, { planId: input.planId, since: input.since });
	if (!checkins) return null;
	const statusChanges = checkins.flatMap((c) =>
		c.statuses.filter((s) => s.status !== s.previous).map((s) => ({ ...s, themeTitle: c.themeTitle, at: c.createdAt, by: c.author.name }))
	);
	const threads = await db
		.selectFrom('threads as th')
		.leftJoin('themes as t', (j) => j.onRef('t.id', '=', 'th.target_id').on('th.target_kind', '=', 'theme'))
		.leftJoin('actions as a', (j) => j.onRef('a.id', '=', 'th.target_id').on('th.target_kind', '=', 'action'))
		.select((eb) => [
			'th.id',
			'th.target_kind',
			'th.target_id',
			't.title as theme_title',
			'a.title as action_title',
			'th.created_at',
			'th.updated_at',
			eb.selectFrom('comments as c').select(eb.fn.countAll<number>().as('n')).whereRef('c.thread_id', '=', 'th.id').as('comments')
		])
		.where('th.plan_id', '=', input.planId)
		.where('th.status', '=', 'open')
		.where('th.updated_at', '>=', input.since)
		.orderBy('th.updated_at', 'desc')
		.limit(200)
		.execute();
	return {
		since: input.since,
		checkins,
		statusChanges,
		openThreads: threads.map((th) => ({
			id: th.id,
			targetKind: th.target_kind,
			targetId: th.target_id,
			targetTitle: th.action_title ?? th.theme_title ?? '',
			createdAt: th.created_at,
			updatedAt: th.updated_at,
			comments: Number(th.comments ?? 0)
		})),
		themes: await themeCheckinStates(db, input.planId)
	};
}

// ------------------------------------------------------------------ inbox

export interface CheckinRequestView {
	id: string;
	kind: 'checkin_request';
	createdAt: number;
	read: boolean;
	answered: boolean;
	actor: string | null;
	planId: string;
	planTitle: string;
	themeId: string;
	themeTitle: string;
}

/** The reader's check-in requests, newest first, of plans they can still read and themes they are still ambassador of. */
export async function checkinRequestRows(db: Db, reader: Actor, options: { unreadOnly: boolean; limit: number }): Promise<CheckinRequestView[]> {
	let query = db
		.selectFrom('checkin_requests as r')
		.innerJoin('plans as p', 'p.id', 'r.plan_id')
		.innerJoin('themes as t', 't.id', 'r.theme_id')
		.leftJoin('users as u', 'u.id', 'r.actor_id')
		.select(['r.id', 'r.created_at', 'r.read_at', 'r.answered_at', 'u.name as actor', 'p.id as plan_id', 'p.title as plan_title', 'p.region_id', 't.id as theme_id', 't.title as theme_title'])
		.where('r.user_id', '=', reader.id)
		.where('p.archived_at', 'is', null)
		.where('t.archived_at', 'is', null)
		.orderBy('r.created_at', 'desc')
		.limit(options.limit);
	if (options.unreadOnly) query = query.where('r.read_at', 'is', null);
	const rows = await query.execute();
	return rows
		.filter((r) => canReadRegion(reader.roles, r.region_id) && reader.roles.ambassadorOf.has(r.theme_id))
		.map((r) => ({
			id: r.id,
			kind: 'checkin_request' as const,
			createdAt: r.created_at,
			read: r.read_at !== null,
			answered: r.answered_at !== null,
			actor: r.actor,
			planId: r.plan_id,
			planTitle: r.plan_title,
			themeId: r.theme_id,
			themeTitle: r.theme_title
		}));
}

/** Marks the user's own check-in requests read: the given ones, or all. */
export async function markCheckinRequestsRead(db: Db, userId: string, ids: readonly string[] | 'all', now = Date.now()): Promise<number> {
	if (ids !== 'all' && ids.length === 0) return 0;
	let query = db.updateTable('checkin_requests').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
	if (ids !== 'all') query = query.where('id', 'in', ids);
	return Number((await query.executeTakeFirst()).numUpdatedRows);
}

import * as Y from 'yjs';
import { META } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import { canReadRegion } from './access.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import { raiseFlag } from './local-report.ts';
import { archiveAction, createAction } from './plan.ts';
import { projectAction } from './projection.ts';
import { planClose, type ClosePlan } from './review-close.ts';
import type { ActionStatus, CycleStatus, Verdict } from './schema.ts';
import { VERDICTS } from './schema.ts';
import { insertVersion, takeSnapshot, type ReadDocument } from './version.ts';

export { VERDICTS, type Verdict, type CycleStatus };

/**
 * The yearly evaluation (jaarlijkse evaluatie) of a plan: a review cycle goes
 * draft → open → closed. While open, leads and ambassadors prepare a review
 * per action, participants vote in the session and the facilitator records a
 * decision per action. Closing freezes a plan version and applies the
 * decisions to the live plan (next year's plan).
 *
 * The rules are pure functions (transition, closeCheck, voteCheck, tally);
 * the rest reads and writes the database.
 */

export type RuleError = 'not_draft' | 'not_open' | 'already_closed' | 'undecided' | 'plan_changed';

export type RuleResult = { ok: true } | { ok: false; error: RuleError; missing?: string[] };

const NEXT: Record<CycleStatus, CycleStatus | null> = { draft: 'open', open: 'closed', closed: null };

/** May a cycle go from `from` to `to`? Only one step forward, never back. */
export function transition(from: CycleStatus, to: CycleStatus): RuleResult {
	if (from === 'closed') return { ok: false, error: 'already_closed' };
	if (NEXT[from] === to) return { ok: true };
	return { ok: false, error: to === 'closed' ? 'not_open' : 'not_draft' };
}

export interface DecisionState {
	actionId: string;
	verdict: Verdict | null;
	deferred: boolean;
}

/**
 * May the cycle be closed? Every action needs a decided verdict or a
 * confirmed "besluit later"; `confirmDeferred` confirms it for all actions
 * still undecided.
 */
export function closeCheck(input: { status: CycleStatus; actionIds: string[]; decisions: DecisionState[]; confirmDeferred: boolean }): RuleResult {
	const step = transition(input.status, 'closed');
	if (!step.ok) return step;
	const decided = new Set(input.decisions.filter((d) => d.verdict !== null || d.deferred).map((d) => d.actionId));
	const missing = input.actionIds.filter((id) => !decided.has(id));
	if (missing.length && !input.confirmDeferred) return { ok: false, error: 'undecided', missing };
	return { ok: true };
}

/** Reviews, votes and decisions are accepted only while the cycle is open. */
export function openCheck(status: CycleStatus): RuleResult {
	if (status === 'open') return { ok: true };
	return { ok: false, error: status === 'closed' ? 'already_closed' : 'not_open' };
}

export type Tally = Record<Verdict, number>;

export function tally(votes: { verdict: Verdict }[]): Tally {
	const out: Tally = { keep: 0, strengthen: 0, renew: 0, drop: 0 };
	for (const v of votes) out[v.verdict]++;
	return out;
}

export interface CycleRow {
	id: string;
	planId: string;
	year: number;
	title: string;
	status: CycleStatus;
	facilitatorId: string | null;
	facilitatorName: string | null;
	sessionDate: number | null;
	prepDeadline: number | null;
	currentActionId: string | null;
	versionId: string | null;
	createdAt: number;
	openedAt: number | null;
	closedAt: number | null;
}

function cycleQuery(db: Db) {
	return db
		.selectFrom('review_cycles as c')
		.leftJoin('users as f', 'f.id', 'c.facilitator_id')
		.select([
			'c.id',
			'c.plan_id as planId',
			'c.year',
			'c.title',
			'c.status',
			'c.facilitator_id as facilitatorId',
			'f.name as facilitatorName',
			'c.session_date as sessionDate',
			'c.prep_deadline as prepDeadline',
			'c.current_action_id as currentActionId',
			'c.version_id as versionId',
			'c.created_at as createdAt',
			'c.opened_at as openedAt',
			'c.closed_at as closedAt'
		]);
}

export async function listCycles(db: Db, planId: string): Promise<CycleRow[]> {
	return cycleQuery(db).where('c.plan_id', '=', planId).orderBy('c.year', 'desc').orderBy('c.created_at', 'desc').execute();
}

export async function getCycle(db: Db, cycleId: string): Promise<CycleRow | null> {
	return (await cycleQuery(db).where('c.id', '=', cycleId).executeTakeFirst()) ?? null;
}

export async function createCycle(
	db: Db,
	input: { planId: string; year: number; title: string; facilitatorId: string | null; sessionDate: number | null; prepDeadline: number | null; createdBy: string }
): Promise<string> {
	const id = newId();
	await db
		.insertInto('review_cycles')
		.values({
			id,
			plan_id: input.planId,
			year: input.year,
			title: input.title,
			status: 'draft',
			facilitator_id: input.facilitatorId,
			session_date: input.sessionDate,
			prep_deadline: input.prepDeadline,
			current_action_id: null,
			version_id: null,
			created_by: input.createdBy,
			created_at: Date.now(),
			opened_at: null,
			closed_at: null
		})
		.execute();
	return id;
}

/** draft → open; refused (returns the rule) for any other status, also when two admins click at once. */
export async function openCycle(db: Db, cycleId: string): Promise<RuleResult> {
	const cycle = await getCycle(db, cycleId);
	if (!cycle) return { ok: false, error: 'not_draft' };
	const step = transition(cycle.status, 'open');
	if (!step.ok) return step;
	const result = await db
		.updateTable('review_cycles')
		.set({ status: 'open', opened_at: Date.now() })
		.where('id', '=', cycleId)
		.where('status', '=', 'draft')
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1 ? { ok: true } : { ok: false, error: 'not_draft' };
}

export interface CycleAction {
	id: string;
	title: string;
	status: ActionStatus;
	level: 'regional' | 'local';
	themeId: string;
	themeTitle: string;
	themeNumber: string | null;
	lead: string | null;
}

/**
 * The actions a cycle reviews: the plan's live actions while the cycle runs;
 * once closed, the actions that had a decision (some are archived since).
 */
export async function cycleActions(db: Db, cycle: Pick<CycleRow, 'id' | 'planId' | 'status'>): Promise<CycleAction[]> {
	let query = db
		.selectFrom('actions as a')
		.innerJoin('themes as t', 't.id', 'a.theme_id')
		.select(['a.id', 'a.title', 'a.status', 'a.level', 'a.theme_id as themeId', 't.title as themeTitle', 't.number as themeNumber', 'a.lead'])
		.where('a.plan_id', '=', cycle.planId);
	if (cycle.status === 'closed') {
		query = query.where('a.id', 'in', db.selectFrom('review_decisions').select('action_id').where('cycle_id', '=', cycle.id));
	} else {
		query = query.where('a.archived_at', 'is', null).where('t.archived_at', 'is', null);
	}
	return query.orderBy('t.position').orderBy('a.level', 'desc').orderBy('a.position').execute();
}

export interface ReviewRow {
	actionId: string;
	status: ActionStatus;
	achieved: string;
	progressNote: string;
	bottlenecks: string;
	proposedVerdict: Verdict;
	reason: string;
	authorName: string;
	updatedAt: number;
}

export async function listReviews(db: Db, cycleId: string): Promise<ReviewRow[]> {
	return db
		.selectFrom('reviews as r')
		.innerJoin('users as u', 'u.id', 'r.author_id')
		.select([
			'r.action_id as actionId',
			'r.status',
			'r.achieved',
			'r.progress_note as progressNote',
			'r.bottlenecks',
			'r.proposed_verdict as proposedVerdict',
			'r.reason',
			'u.name as authorName',
			'r.updated_at as updatedAt'
		])
		.where('r.cycle_id', '=', cycleId)
		.execute();
}

export interface ReviewInput {
	status: ActionStatus;
	achieved: string;
	progressNote: string;
	bottlenecks: string;
	proposedVerdict: Verdict;
	reason: string;
}

export async function saveReview(db: Db, input: ReviewInput & { cycleId: string; actionId: string; authorId: string }): Promise<void> {
	const values = {
		status: input.status,
		achieved: input.achieved,
		progress_note: input.progressNote,
		bottlenecks: input.bottlenecks,
		proposed_verdict: input.proposedVerdict,
		reason: input.reason,
		author_id: input.authorId,
		updated_at: Date.now()
	};
	await db
		.insertInto('reviews')
		.values({ cycle_id: input.cycleId, action_id: input.actionId, ...values })
		.onConflict((oc) => oc.columns(['cycle_id', 'action_id']).doUpdateSet(values))
		.execute();
}

export async function castVote(db: Db, input: { cycleId: string; actionId: string; userId: string; verdict: Verdict; opinion: string }): Promise<void> {
	const values = { verdict: input.verdict, opinion: input.opinion, updated_at: Date.now() };
	await db
		.insertInto('review_votes')
		.values({ cycle_id: input.cycleId, action_id: input.actionId, user_id: input.userId, ...values })
		.onConflict((oc) => oc.columns(['cycle_id', 'action_id', 'user_id']).doUpdateSet(values))
		.execute();
}

export interface VoteRow {
	actionId: string;
	userId: string;
	userName: string;
	verdict: Verdict;
	opinion: string;
}

export async function listVotes(db: Db, cycleId: string): Promise<VoteRow[]> {
	return db
		.selectFrom('review_votes as v')
		.innerJoin('users as u', 'u.id', 'v.user_id')
		.select(['v.action_id as actionId', 'v.user_id as userId', 'u.name as userName', 'v.verdict', 'v.opinion'])
		.where('v.cycle_id', '=', cycleId)
		.orderBy('v.updated_at')
		.execute();
}

export interface DecisionRow {
	actionId: string;
	verdict: Verdict | null;
	deferred: boolean;
	decisionText: string;
	flagged: boolean;
	successorActionId: string | null;
	decidedByName: string;
	decidedAt: number;
}

export async function listDecisions(db: Db, cycleId: string): Promise<DecisionRow[]> {
	const rows = await db
		.selectFrom('review_decisions as d')
		.innerJoin('users as u', 'u.id', 'd.decided_by')
		.select([
			'd.action_id as actionId',
			'd.verdict',
			'd.deferred',
			'd.decision_text as decisionText',
			'd.flagged',
			'd.successor_action_id as successorActionId',
			'u.name as decidedByName',
			'd.decided_at as decidedAt'
		])
		.where('d.cycle_id', '=', cycleId)
		.execute();
	return rows.map((r) => ({ ...r, deferred: r.deferred === 1, flagged: r.flagged === 1 }));
}

/** The facilitator's decision on one action: a verdict, or `null` for "besluit later". */
export async function recordDecision(
	db: Db,
	input: { cycleId: string; actionId: string; verdict: Verdict | null; decisionText: string; userId: string }
): Promise<void> {
	const values = {
		verdict: input.verdict,
		deferred: input.verdict === null ? 1 : 0,
		decision_text: input.decisionText,
		flagged: input.verdict === 'strengthen' ? 1 : 0,
		decided_by: input.userId,
		decided_at: Date.now()
	};
	await db
		.insertInto('review_decisions')
		.values({ cycle_id: input.cycleId, action_id: input.actionId, successor_action_id: null, ...values })
		.onConflict((oc) => oc.columns(['cycle_id', 'action_id']).doUpdateSet(values))
		.execute();
}

export async function setCurrentAction(db: Db, cycleId: string, actionId: string): Promise<void> {
	await db.updateTable('review_cycles').set({ current_action_id: actionId }).where('id', '=', cycleId).execute();
}

export interface CloseEnv {
	readDocument: ReadDocument;
	createDocument: (name: string, update: Uint8Array) => unknown;
}

/**
 * Closes an open cycle: confirms "besluit later" for undecided actions (when
 * asked to), freezes the plan as a version, then applies the decisions —
 * drop: archived with the reason; renew: a new action (a copy of the card,
 * status "niet gestart") linked to its predecessor, which is archived;
 * strengthen: stays, flagged; keep: stays. The status is claimed first, so a
 * second close (or a double click) is refused rather than run twice.
 */
export async function closeCycle(
	db: Db,
	env: CloseEnv,
	input: { cycleId: string; userId: string; confirmDeferred: boolean; label: string; adoptedAt: number; expectedKey?: string }
): Promise<{ ok: true; versionId: string; plan: ClosePlan } | { ok: false; error: RuleError; missing?: string[] }> {
	const cycle = await getCycle(db, input.cycleId);
	if (!cycle) return { ok: false, error: 'not_open' };
	const { actions, decisions, plan } = await loadClosePlan(db, cycle);
	const check = closeCheck({ status: cycle.status, actionIds: actions.map((a) => a.id), decisions, confirmDeferred: input.confirmDeferred });
	if (!check.ok) return check;
	// confirmed on a preview that no longer holds (a decision changed since): show the new preview first
	if (input.expectedKey !== undefined && input.expectedKey !== plan.key) return { ok: false, error: 'plan_changed' };
	const claimed = await db
		.updateTable('review_cycles')
		.set({ status: 'closed', closed_at: Date.now() })
		.where('id', '=', cycle.id)
		.where('status', '=', 'open')
		.executeTakeFirst();
	if (Number(claimed.numUpdatedRows) !== 1) return { ok: false, error: 'already_closed' };
	try {
		for (const item of plan.items) {
			if (item.undecided) await recordDecision(db, { cycleId: cycle.id, actionId: item.actionId, verdict: null, decisionText: '', userId: input.userId });
		}
		const snapshot = await takeSnapshot(db, cycle.planId, env.readDocument, { withState: true });
		if (!snapshot) throw new Error('plan of cycle not found');
		const versionId = await insertVersion(db, {
			planId: cycle.planId,
			cycleId: cycle.id,
			label: input.label,
			adoptedAt: input.adoptedAt,
			snapshot,
			createdBy: input.userId
		});
		const actionBy = new Map(actions.map((a) => [a.id, a]));
		for (const item of plan.items) {
			const action = actionBy.get(item.actionId)!;
			if (item.outcome === 'archive') await archiveAction(db, action.id, item.reason);
			// versterken: the action stays, flagged on its card, the plan page and the board until an editor clears it
			if (item.outcome === 'flag') await raiseFlag(db, { actionId: action.id, cycleId: cycle.id, reason: item.reason ?? '' });
			if (item.outcome === 'renew') {
				const successor = await renewAction(db, env, action);
				await db
					.updateTable('review_decisions')
					.set({ successor_action_id: successor })
					.where('cycle_id', '=', cycle.id)
					.where('action_id', '=', action.id)
					.execute();
				await archiveAction(db, action.id, item.reason);
			}
		}
		await db.updateTable('review_cycles').set({ version_id: versionId }).where('id', '=', cycle.id).execute();
		return { ok: true, versionId, plan };
	} catch (err) {
		await db.updateTable('review_cycles').set({ status: 'open', closed_at: null }).where('id', '=', cycle.id).execute();
		throw err;
	}
}

/** What closing the cycle now would do (see review-close.ts): the preview page and closeCycle both read it here. */
export async function loadClosePlan(db: Db, cycle: Pick<CycleRow, 'id' | 'planId' | 'status'>) {
	const [actions, decisions, reviews] = await Promise.all([cycleActions(db, cycle), listDecisions(db, cycle.id), listReviews(db, cycle.id)]);
	return { actions, decisions, plan: planClose({ actions, decisions, reviews }) };
}

/**
 * A new action in the same theme, starting from the old card's text: its
 * document is a copy of the predecessor's state (every field, its formatting
 * and its history), status "niet gestart", linked through predecessor_id so
 * both cards point at each other and the successor's history includes its
 * predecessor's years. Its row is projected from that copy at once, so lists
 * and exports show its planning, costs and text before anyone edits it.
 */
async function renewAction(db: Db, env: CloseEnv, action: CycleAction): Promise<string> {
	const old = await env.readDocument(docName({ kind: 'action', id: action.id }));
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, old);
		doc.getMap(META).set('status', 'not_started');
		const state = Y.encodeStateAsUpdate(doc);
		const row = await db
			.selectFrom('actions')
			.innerJoin('plans', 'plans.id', 'actions.plan_id')
			.select(['actions.plan_id', 'actions.text', 'plans.card_template'])
			.where('actions.id', '=', action.id)
			.executeTakeFirstOrThrow();
		const id = await createAction(db, { planId: row.plan_id, themeId: action.themeId, level: action.level, title: action.title }, (name) =>
			env.createDocument(name, state)
		);
		await db.updateTable('actions').set({ predecessor_id: action.id, text: row.text }).where('id', '=', id).execute();
		const keys = (JSON.parse(row.card_template) as { key: string }[]).map((f) => f.key);
		await projectAction(db, id, doc, keys);
		return id;
	} finally {
		doc.destroy();
	}
}

/** Reviews, tallies and decisions of the actions, as the JSON API and the report show them. */
export async function cycleOverview(db: Db, cycle: CycleRow) {
	const [actions, reviews, votes, decisions] = await Promise.all([cycleActions(db, cycle), listReviews(db, cycle.id), listVotes(db, cycle.id), listDecisions(db, cycle.id)]);
	const reviewBy = new Map(reviews.map((r) => [r.actionId, r]));
	const decisionBy = new Map(decisions.map((d) => [d.actionId, d]));
	return actions.map((a) => ({
		action: a,
		review: reviewBy.get(a.id) ?? null,
		tally: tally(votes.filter((v) => v.actionId === a.id)),
		votes: votes.filter((v) => v.actionId === a.id),
		decision: decisionBy.get(a.id) ?? null
	}));
}
export type CycleOverview = Awaited<ReturnType<typeof cycleOverview>>;

export interface CycleAccess {
	/** everyone who reads the region's plans: sees the cycle, takes part in the session, reads the report */
	read: boolean;
	/** region admin: opens and closes cycles */
	admin: boolean;
	/** the facilitator (or an admin): steps through the session, records decisions */
	facilitate: boolean;
}

export function cycleAccess(
	roles: import('./access.ts').UserRoles,
	plan: { regionId: string },
	cycle: { facilitatorId: string | null },
	userId: string
): CycleAccess {
	const admin = roles.regionRoles.get(plan.regionId) === 'admin';
	return { read: canReadRegion(roles, plan.regionId), admin, facilitate: admin || cycle.facilitatorId === userId };
}

export interface ActionHistoryEntry {
	cycleId: string;
	year: number;
	cycleTitle: string;
	actionId: string;
	actionTitle: string;
	/** the review filled in before the session, if any */
	reviewStatus: string | null;
	proposedVerdict: string | null;
	/** the decision of the session, if any */
	verdict: string | null;
	deferred: boolean;
	decisionText: string;
}

/**
 * The action's years: its reviews and decisions, and those of the actions it
 * renewed (followed back through predecessor_id), newest first.
 */
export async function getActionHistory(db: Db, actionId: string): Promise<ActionHistoryEntry[]> {
	const chain: { id: string; title: string }[] = [];
	let next: string | null = actionId;
	const seen = new Set<string>();
	while (next && !seen.has(next) && chain.length < 50) {
		seen.add(next);
		const row: { id: string; title: string; predecessor_id: string | null } | undefined = await db
			.selectFrom('actions')
			.select(['id', 'title', 'predecessor_id'])
			.where('id', '=', next)
			.executeTakeFirst();
		if (!row) break;
		chain.push({ id: row.id, title: row.title });
		next = row.predecessor_id;
	}
	if (chain.length === 0) return [];
	const ids = chain.map((c) => c.id);
	const titles = new Map(chain.map((c) => [c.id, c.title]));
	const [reviews, decisions] = await Promise.all([
		db
			.selectFrom('reviews as r')
			.innerJoin('review_cycles as c', 'c.id', 'r.cycle_id')
			.select(['r.cycle_id', 'r.action_id', 'r.status', 'r.proposed_verdict', 'c.year', 'c.title'])
			.where('r.action_id', 'in', ids)
			.execute(),
		db
			.selectFrom('review_decisions as d')
			.innerJoin('review_cycles as c', 'c.id', 'd.cycle_id')
			.select(['d.cycle_id', 'd.action_id', 'd.verdict', 'd.deferred', 'd.decision_text', 'c.year', 'c.title'])
			.where('d.action_id', 'in', ids)
			.execute()
	]);
	const entries = new Map<string, ActionHistoryEntry>();
	const entry = (cycleId: string, action: string, year: number, title: string) => {
		const key = `${cycleId}:${action}`;
		let e = entries.get(key);
		if (!e) {
			e = {
				cycleId,
				year,
				cycleTitle: title,
				actionId: action,
				actionTitle: titles.get(action) ?? '',
				reviewStatus: null,
				proposedVerdict: null,
				verdict: null,
				deferred: false,
				decisionText: ''
			};
			entries.set(key, e);
		}
		return e;
	};
	for (const r of reviews) {
		const e = entry(r.cycle_id, r.action_id, r.year, r.title);
		e.reviewStatus = r.status;
		e.proposedVerdict = r.proposed_verdict;
	}
	for (const d of decisions) {
		const e = entry(d.cycle_id, d.action_id, d.year, d.title);
		e.verdict = d.verdict;
		e.deferred = d.deferred === 1;
		e.decisionText = d.decision_text;
	}
	return [...entries.values()].sort((a, b) => b.year - a.year);
}

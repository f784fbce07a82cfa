import type { Db } from './db.ts';

/**
 * The yearly focus of a plan: "niet alles tegelijk". Per year, the themes or
 * actions the region works on first. An action is in focus when it, or its
 * theme, is. An evaluation's decisions propose next year's focus: what is
 * kept or strengthened, and the successor of what is renewed.
 */

export type FocusError = 'not_found' | 'year_outside_period' | 'foreign_target';
export type FocusMap = Record<string, string[]>;

export async function getFocus(db: Db, planId: string): Promise<FocusMap> {
	const rows = await db.selectFrom('plan_focus').select(['year', 'target_id']).where('plan_id', '=', planId).orderBy('year').execute();
	const out: FocusMap = {};
	for (const r of rows) (out[String(r.year)] ??= []).push(r.target_id);
	return out;
}

/** The ids in focus for one year (themes and actions), or an empty set. */
export async function focusSet(db: Db, planId: string, year: number): Promise<Set<string>> {
	const rows = await db.selectFrom('plan_focus').select(['target_id']).where('plan_id', '=', planId).where('year', '=', year).execute();
	return new Set(rows.map((r) => r.target_id));
}

/** Is the action in focus: itself or its theme? */
export function inFocus(action: { id: string; themeId: string }, focus: Set<string>): boolean {
	return focus.has(action.id) || focus.has(action.themeId);
}

/** Sets one year's focus (replacing that year's). Every id must be a live theme or action of this plan, the year within its period. */
export async function setFocus(db: Db, input: { planId: string; year: number; ids: string[] }): Promise<{ ok: true } | { ok: false; error: FocusError }> {
	const plan = await db.selectFrom('plans').select(['id', 'period_start', 'period_end']).where('id', '=', input.planId).executeTakeFirst();
	if (!plan) return { ok: false, error: 'not_found' };
	if (!Number.isInteger(input.year) || input.year < plan.period_start || input.year > plan.period_end) return { ok: false, error: 'year_outside_period' };
	const ids = [...new Set(input.ids)];
	const [themes, actions] = await Promise.all([
		db.selectFrom('themes').select(['id']).where('plan_id', '=', plan.id).where('archived_at', 'is', null).execute(),
		db.selectFrom('actions').select(['id']).where('plan_id', '=', plan.id).where('archived_at', 'is', null).execute()
	]);
	const themeIds = new Set(themes.map((t) => t.id));
	const actionIds = new Set(actions.map((a) => a.id));
	if (ids.some((id) => !themeIds.has(id) && !actionIds.has(id))) return { ok: false, error: 'foreign_target' };
	// no transaction of its own: the demo seeds inside one; the ids are checked above, so the insert cannot fail on them
	await db.deleteFrom('plan_focus').where('plan_id', '=', plan.id).where('year', '=', input.year).execute();
	if (ids.length > 0)
		await db
			.insertInto('plan_focus')
			.values(ids.map((id) => ({ plan_id: plan.id, year: input.year, target_kind: themeIds.has(id) ? ('theme' as const) : ('action' as const), target_id: id })))
			.execute();
	return { ok: true };
}

/** The rule behind the proposal: keep and strengthen stay in focus, renew brings its successor, drop and undecided leave. */
export function proposalFromDecisions(decisions: { actionId: string; verdict: string | null; successorActionId: string | null }[]): string[] {
	const out: string[] = [];
	for (const d of decisions) {
		if (d.verdict === 'keep' || d.verdict === 'strengthen') out.push(d.actionId);
		else if (d.verdict === 'renew' && d.successorActionId) out.push(d.successorActionId);
	}
	return out;
}

/** The latest closed evaluation's proposal for the following year, limited to live actions of the plan. */
export async function proposeFocus(db: Db, planId: string): Promise<{ cycleId: string; cycleTitle: string; year: number; ids: string[] } | null> {
	const cycle = await db
		.selectFrom('review_cycles')
		.select(['id', 'title', 'year'])
		.where('plan_id', '=', planId)
		.where('status', '=', 'closed')
		.orderBy('closed_at', 'desc')
		.executeTakeFirst();
	if (!cycle) return null;
	const decisions = await db
		.selectFrom('review_decisions')
		.select(['action_id as actionId', 'verdict', 'successor_action_id as successorActionId'])
		.where('cycle_id', '=', cycle.id)
		.execute();
	const live = new Set(
		(await db.selectFrom('actions').select(['id']).where('plan_id', '=', planId).where('archived_at', 'is', null).execute()).map((a) => a.id)
	);
	return { cycleId: cycle.id, cycleTitle: cycle.title, year: cycle.year + 1, ids: proposalFromDecisions(decisions).filter((id) => live.has(id)) };
}

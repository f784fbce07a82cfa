import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { findCycleContext, loadCycleContext, ruleMessage } from '$lib/review-context.server';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import type { SessionItem, SessionPatch } from '$lib/review-session';
import type { Db } from '$lib/server/db';
import { castVote, cycleActions, cycleOverview, openCheck, recordDecision, setCurrentAction, VERDICTS, type CycleRow } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

/** The session's actions with their tallies, votes, decisions and successors; only `actionId`'s when given. */
async function sessionItems(db: Db, cycle: CycleRow, actionId?: string): Promise<SessionItem[]> {
	const overview = (await cycleOverview(db, cycle)).filter((o) => !actionId || o.action.id === actionId);
	const successorIds = overview.map((o) => o.decision?.successorActionId).filter((id): id is string => !!id);
	const successors = successorIds.length
		? await db.selectFrom('actions').select(['id', 'title']).where('id', 'in', successorIds).execute()
		: [];
	return overview.map((o) => ({ ...o, successor: successors.find((s) => s.id === o.decision?.successorActionId) ?? null }));
}

/** Tells every open screen what changed, with the change itself, so none of them reloads (see $lib/review-session). */
function publishSession(planId: string, cycleId: string, patch: Omit<SessionPatch, 'at'>) {
	publishPlanChange({ planId, kind: 'review', id: cycleId, review: { at: Date.now(), ...patch } });
}

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`review:${params.cycleId}`);
	const { db } = getRuntime();
	const loadedAt = Date.now();
	const { user, cycle, plan, access } = await loadCycleContext(locals, params.cycleId);
	const items = await sessionItems(db, cycle);
	return {
		cycle,
		plan: { id: plan.id, title: plan.title },
		access,
		userId: user.id,
		loadedAt,
		items: items.map((item) => ({ ...item, myVote: item.votes.find((vote) => vote.userId === user.id) ?? null }))
	};
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
const GotoInput = v.object({ actionId: Id });
const VoteInput = v.object({
	actionId: Id,
	verdict: v.picklist(VERDICTS, m.review_error_verdict()),
	opinion: v.pipe(v.optional(v.string(), ''), v.trim(), v.maxLength(500, m.review_error_opinion()))
});
const DecideInput = v.object({
	actionId: Id,
	verdict: v.picklist([...VERDICTS, 'later'], m.review_error_verdict()),
	decisionText: v.pipe(v.optional(v.string(), ''), v.trim(), v.maxLength(4000, m.review_error_text()))
});

async function context(locals: App.Locals, cycleId: string, form: FormData) {
	const ctx = await findCycleContext(locals, cycleId);
	if (!ctx) return { error: fail(404, { message: m.validation_bad_input() }) } as const;
	const open = openCheck(ctx.cycle.status);
	if (!open.ok) return { error: fail(400, { message: ruleMessage(open.error) }) } as const;
	const actionId = form.get('actionId');
	const actions = await cycleActions(getRuntime().db, ctx.cycle);
	if (typeof actionId !== 'string' || !actions.some((a) => a.id === actionId)) return { error: fail(400, { message: m.review_error_action() }) } as const;
	return { ctx } as const;
}

export const actions: Actions = {
	/** The facilitator shows another action; every following screen moves with it. */
	goto: async ({ request, params, locals }) => {
		const { db } = getRuntime();
		const form = await request.formData();
		const found = await context(locals, params.cycleId, form);
		if ('error' in found) return found.error;
		const { ctx } = found;
		if (!ctx.access.facilitate) return fail(403, { message: m.review_error_facilitator() });
		const parsed = parseInput(GotoInput, formToObject(form), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		await setCurrentAction(db, ctx.cycle.id, parsed.data.actionId);
		publishSession(ctx.plan.id, ctx.cycle.id, { currentActionId: parsed.data.actionId });
		return { moved: parsed.data.actionId };
	},
	vote: async ({ request, params, locals }) => {
		const { db, logger } = getRuntime();
		const form = await request.formData();
		const found = await context(locals, params.cycleId, form);
		if ('error' in found) return found.error;
		const { ctx } = found;
		const parsed = parseInput(VoteInput, formToObject(form), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		await castVote(db, { cycleId: ctx.cycle.id, userId: ctx.user.id, ...parsed.data });
		// The opinion's text never goes into the log.
		logger.info({ event: 'review_vote', user: ctx.user.id, cycle: ctx.cycle.id, action: parsed.data.actionId, verdict: parsed.data.verdict }, 'review vote');
		const [item] = await sessionItems(db, ctx.cycle, parsed.data.actionId);
		publishSession(ctx.plan.id, ctx.cycle.id, { item });
		return { voted: parsed.data.actionId, message: m.review_vote_saved() };
	},
	decide: async ({ request, params, locals }) => {
		const { db, logger } = getRuntime();
		const form = await request.formData();
		const found = await context(locals, params.cycleId, form);
		if ('error' in found) return found.error;
		const { ctx } = found;
		if (!ctx.access.facilitate) return fail(403, { message: m.review_error_facilitator() });
		const parsed = parseInput(DecideInput, formToObject(form), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const verdict = parsed.data.verdict === 'later' ? null : parsed.data.verdict;
		await recordDecision(db, { cycleId: ctx.cycle.id, actionId: parsed.data.actionId, verdict, decisionText: parsed.data.decisionText, userId: ctx.user.id });
		logger.info({ event: 'review_decision', user: ctx.user.id, cycle: ctx.cycle.id, action: parsed.data.actionId, verdict: parsed.data.verdict }, 'review decision');
		const [item] = await sessionItems(db, ctx.cycle, parsed.data.actionId);
		publishSession(ctx.plan.id, ctx.cycle.id, { item });
		return { decided: parsed.data.actionId, message: m.review_decision_saved() };
	}
};

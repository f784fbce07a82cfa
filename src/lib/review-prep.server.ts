import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { META, STATUSES } from '$lib/action-doc';
import { docName } from '$lib/doc-name';
import { m } from '$lib/paraglide/messages';
import { findCycleContext, ruleMessage, type CycleContext } from '$lib/review-context.server';
import { canEditTheme } from '$lib/server/access';
import { publishInboxChanges, publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { reviewAssignments, settleReminders } from '$lib/server/reminder';
import { cycleActions, listReviews, openCheck, saveReview, VERDICTS } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';

/**
 * The preparation's list of actions, shared by the list page and the focused
 * review form (whose previous/next walk this same list, in this order, with
 * the same "alleen mijn acties" filter).
 */
export async function preparationList(ctx: CycleContext, url: URL) {
	const { db } = getRuntime();
	const [actions, reviews, reviewers] = await Promise.all([cycleActions(db, ctx.cycle), listReviews(db, ctx.cycle.id), reviewAssignments(db, ctx.cycle)]);
	const reviewBy = new Map(reviews.map((r) => [r.actionId, r]));
	const askedOfMe = new Set(reviewers.find((r) => r.userId === ctx.user.id)?.actionIds ?? []);
	const rows = actions.map((a) => ({
		...a,
		review: reviewBy.get(a.id) ?? null,
		canReview: ctx.cycle.status === 'open' && canEditTheme(ctx.roles, ctx.plan, a.themeId),
		askedOfMe: askedOfMe.has(a.id),
		askedOf: reviewers.filter((r) => r.actionIds.includes(a.id)).map((r) => r.name)
	}));
	// ?mijn=1 (the inbox reminder's link): only the actions asked of me
	const onlyMine = url.searchParams.get('mijn') === '1' && askedOfMe.size > 0;
	return { all: rows, rows: onlyMine ? rows.filter((a) => a.askedOfMe) : rows, onlyMine, hasMine: askedOfMe.size > 0, reviewers, actions };
}

export type PreparationRow = Awaited<ReturnType<typeof preparationList>>['rows'][number];

const Text = v.pipe(v.optional(v.string(), ''), v.trim(), v.maxLength(4000, m.review_error_text()));
const ReviewInput = v.object({
	actionId: v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/)),
	status: v.picklist(STATUSES, m.validation_bad_input()),
	achieved: Text,
	progressNote: Text,
	bottlenecks: Text,
	proposedVerdict: v.picklist(VERDICTS, m.review_error_verdict()),
	reason: Text
});

export const REVIEW_FIELDS = ['status', 'achieved', 'progressNote', 'bottlenecks', 'proposedVerdict', 'reason'] as const;

/**
 * Saves one action's review: the form action of the focused review form.
 * A bad field answers 400 with its Dutch message under `errors[field]` and
 * what was typed under `values`, so nothing typed is lost.
 */
export async function saveReviewAction(locals: App.Locals, cycleId: string, form: FormData) {
	const { db, logger, changeDocument } = getRuntime();
	const ctx = await findCycleContext(locals, cycleId);
	if (!ctx) return { failure: fail(404, { message: m.validation_bad_input() }) } as const;
	const raw = formToObject(form);
	const values = Object.fromEntries(REVIEW_FIELDS.map((k) => [k, typeof raw[k] === 'string' ? (raw[k] as string) : ''])) as Record<(typeof REVIEW_FIELDS)[number], string>;
	const parsed = parseInput(ReviewInput, raw, m.validation_bad_input());
	if (!parsed.ok) {
		// a missing choice of verdict arrives as a missing key: name the field, in Dutch
		const errors = { ...parsed.errors };
		if (!values.proposedVerdict) errors.proposedVerdict = m.review_error_verdict();
		return { failure: fail(400, { message: m.evalprep_error_summary(), errors, values }) } as const;
	}
	const open = openCheck(ctx.cycle.status);
	if (!open.ok) return { failure: fail(400, { message: ruleMessage(open.error), values }) } as const;
	const action = (await cycleActions(db, ctx.cycle)).find((a) => a.id === parsed.data.actionId);
	if (!action) return { failure: fail(404, { message: m.review_error_action() }) } as const;
	if (!canEditTheme(ctx.roles, ctx.plan, action.themeId)) {
		logger.warn({ event: 'review_refused', user: ctx.user.id, action: action.id }, 'review refused');
		return { failure: fail(403, { message: m.error_no_edit_right(), values }) } as const;
	}
	await saveReview(db, { ...parsed.data, cycleId: ctx.cycle.id, authorId: ctx.user.id });
	logger.info({ event: 'review_saved', user: ctx.user.id, cycle: ctx.cycle.id, action: action.id }, 'review saved');
	// the status on the review date is the action's status now: one Yjs change that open cards and boards see
	if (parsed.data.status !== action.status) {
		const status = parsed.data.status;
		await changeDocument(docName({ kind: 'action', id: action.id }), (doc) => doc.getMap(META).set('status', status));
		await db.updateTable('actions').set({ status, updated_at: Date.now() }).where('id', '=', action.id).execute();
		publishPlanChange({ planId: ctx.plan.id, kind: 'action', id: action.id, status });
	}
	publishPlanChange({ planId: ctx.plan.id, kind: 'review', id: ctx.cycle.id });
	// whoever has nothing left to fill now: their reminders count as read
	publishInboxChanges(await settleReminders(db, ctx.cycle.id));
	return { ctx, action } as const;
}

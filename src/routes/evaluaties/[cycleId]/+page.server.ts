import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { META, STATUSES } from '$lib/action-doc';
import { docName } from '$lib/doc-name';
import { m } from '$lib/paraglide/messages';
import { dateInputToMs } from '$lib/review-labels';
import { findCycleContext, loadCycleContext, ruleMessage } from '$lib/review-context.server';
import { canEditTheme } from '$lib/server/access';
import { publishInboxChanges, publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { remindReviewers, reviewAssignments, settleReminders } from '$lib/server/reminder';
import { closeCycle, cycleActions, listDecisions, listReviews, openCheck, saveReview, VERDICTS } from '$lib/server/review';
import { recordAudit } from '$lib/server/audit';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends, url }) => {
	depends(`review:${params.cycleId}`);
	const { db } = getRuntime();
	const { cycle, plan, roles, access, user } = await loadCycleContext(locals, params.cycleId);
	const [actions, reviews, decisions, reviewers] = await Promise.all([
		cycleActions(db, cycle),
		listReviews(db, cycle.id),
		listDecisions(db, cycle.id),
		reviewAssignments(db, cycle)
	]);
	const reviewBy = new Map(reviews.map((r) => [r.actionId, r]));
	const askedOfMe = new Set(reviewers.find((r) => r.userId === user.id)?.actionIds ?? []);
	const askedOf = (actionId: string) => reviewers.filter((r) => r.actionIds.includes(actionId)).map((r) => r.name);
	const rows = actions.map((a) => ({
		...a,
		review: reviewBy.get(a.id) ?? null,
		canReview: cycle.status === 'open' && canEditTheme(roles, plan, a.themeId),
		askedOfMe: askedOfMe.has(a.id),
		askedOf: askedOf(a.id)
	}));
	// ?mijn=1 (the inbox reminder's link): only the actions asked of me
	const onlyMine = url.searchParams.get('mijn') === '1' && askedOfMe.size > 0;
	return {
		cycle,
		plan: { id: plan.id, title: plan.title },
		access,
		actions: onlyMine ? rows.filter((a) => a.askedOfMe) : rows,
		userId: user.id,
		onlyMine,
		hasMine: askedOfMe.size > 0,
		reviewers: reviewers.map((r) => ({ userId: r.userId, name: r.name, open: r.openActionIds.length, total: r.actionIds.length })),
		lastReminder: (
			await db
				.selectFrom('notifications')
				.select((eb) => eb.fn.max('created_at').as('at'))
				.where('cycle_id', '=', cycle.id)
				.executeTakeFirst()
		)?.at ?? null,
		undecided: actions.length - decisions.filter((d) => d.verdict !== null || d.deferred).length,
		defaultLabel: `${plan.title} ${new Date().getFullYear()}, ter besluitvorming`
	};
};

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
const CloseInput = v.object({
	label: v.pipe(v.string(), v.trim(), v.minLength(1, m.review_error_title()), v.maxLength(200, m.review_error_title())),
	adoptedAt: v.pipe(v.string(), v.check((s) => dateInputToMs(s) !== null, m.review_error_date()), v.transform((s) => dateInputToMs(s)!)),
	confirmDeferred: v.optional(v.string(), '')
});

export const actions: Actions = {
	review: async ({ request, params, locals }) => {
		const { db, logger, changeDocument } = getRuntime();
		const ctx = await findCycleContext(locals, params.cycleId);
		if (!ctx) return fail(404, { message: m.validation_bad_input() });
		const parsed = parseInput(ReviewInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message, actionId: null });
		const open = openCheck(ctx.cycle.status);
		if (!open.ok) return fail(400, { message: ruleMessage(open.error), actionId: parsed.data.actionId });
		const action = (await cycleActions(db, ctx.cycle)).find((a) => a.id === parsed.data.actionId);
		if (!action) return fail(404, { message: m.review_error_action(), actionId: null });
		if (!canEditTheme(ctx.roles, ctx.plan, action.themeId)) {
			logger.warn({ event: 'review_refused', user: ctx.user.id, action: action.id }, 'review refused');
			return fail(403, { message: m.error_no_edit_right(), actionId: action.id });
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
		return { saved: action.id, actionId: action.id, message: m.review_saved() };
	},
	close: async ({ request, params, locals, getClientAddress }) => {
		const runtime = getRuntime();
		const ctx = await findCycleContext(locals, params.cycleId);
		if (!ctx) return fail(404, { message: m.validation_bad_input() });
		if (!ctx.access.admin) return fail(403, { message: m.review_error_admin() });
		const parsed = parseInput(CloseInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const result = await closeCycle(
			runtime.db,
			{ readDocument: runtime.readDocument, createDocument: runtime.createDocument },
			{ cycleId: ctx.cycle.id, userId: ctx.user.id, confirmDeferred: parsed.data.confirmDeferred === 'on', label: parsed.data.label, adoptedAt: parsed.data.adoptedAt }
		);
		if (!result.ok) return fail(400, { message: ruleMessage(result.error, result.missing) });
		// closeCycle has no transaction of its own (it reads documents through the collaboration server): both rows right after it
		const versionId = result.versionId;
		await runtime.db.transaction().execute(async (trx) => {
			const common = { actor: ctx.user, regionId: ctx.plan.regionId, origin: getClientAddress() };
			await recordAudit(trx, { ...common, action: 'evaluation.closed', object: { type: 'cycle', id: ctx.cycle.id, label: `${ctx.plan.title} — ${ctx.cycle.title}` } });
			await recordAudit(trx, { ...common, action: 'version.adopted', object: { type: 'version', id: versionId, label: `${ctx.plan.title} — ${parsed.data.label}` } });
		});
		runtime.logger.info({ event: 'review_cycle_closed', user: ctx.user.id, cycle: ctx.cycle.id, version: result.versionId }, 'review cycle closed');
		publishPlanChange({ planId: ctx.plan.id, kind: 'review', id: ctx.cycle.id });
		publishPlanChange({ planId: ctx.plan.id, kind: 'structure' });
		publishInboxChanges(await settleReminders(runtime.db, ctx.cycle.id));
		return { closed: result.versionId, message: m.review_closed_ok() };
	},
	remind: async ({ params, locals }) => {
		const { db, logger } = getRuntime();
		const ctx = await findCycleContext(locals, params.cycleId);
		if (!ctx) return fail(404, { message: m.validation_bad_input() });
		if (!ctx.access.facilitate) {
			logger.warn({ event: 'review_remind_refused', user: ctx.user.id, cycle: ctx.cycle.id }, 'reminder refused');
			return fail(403, { message: m.review_remind_refused() });
		}
		const open = openCheck(ctx.cycle.status);
		if (!open.ok) return fail(400, { message: ruleMessage(open.error) });
		const reminded = await remindReviewers(db, { cycleId: ctx.cycle.id, kind: 'review_reminder', actorId: ctx.user.id });
		logger.info({ event: 'review_reminders_sent', user: ctx.user.id, cycle: ctx.cycle.id, recipients: reminded.length }, 'reminders sent');
		publishInboxChanges(reminded);
		publishPlanChange({ planId: ctx.plan.id, kind: 'review', id: ctx.cycle.id });
		return { reminded: reminded.length, message: reminded.length ? m.review_remind_sent({ count: reminded.length }) : m.review_remind_nobody() };
	}
};

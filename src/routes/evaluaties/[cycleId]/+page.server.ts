import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { closeAction } from '$lib/review-close.server';
import { findCycleContext, loadCycleContext, ruleMessage } from '$lib/review-context.server';
import { preparationList } from '$lib/review-prep.server';
import { publishInboxChanges, publishPlanChange } from '$lib/server/events';
import { remindReviewers } from '$lib/server/reminder';
import { listDecisions, openCheck } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends, url }) => {
	depends(`review:${params.cycleId}`);
	const { db } = getRuntime();
	const ctx = await loadCycleContext(locals, params.cycleId);
	const { cycle, plan, access, user } = ctx;
	const [list, decisions] = await Promise.all([preparationList(ctx, url), listDecisions(db, cycle.id)]);
	return {
		cycle,
		plan: { id: plan.id, title: plan.title },
		access,
		actions: list.rows,
		userId: user.id,
		onlyMine: list.onlyMine,
		hasMine: list.hasMine,
		reviewers: list.reviewers.map((r) => ({ userId: r.userId, name: r.name, open: r.openActionIds.length, total: r.actionIds.length })),
		lastReminder: (
			await db
				.selectFrom('notifications')
				.select((eb) => eb.fn.max('created_at').as('at'))
				.where('cycle_id', '=', cycle.id)
				.executeTakeFirst()
		)?.at ?? null,
		undecided: list.actions.length - decisions.filter((d) => d.verdict !== null || d.deferred).length
	};
};

export const actions: Actions = {
	/** Kept for scripts and older pages; the preview page (…/afsluiten) is where people close a cycle. */
	close: closeAction,
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

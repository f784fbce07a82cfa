import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { dateInputToMs } from '$lib/review-labels';
import { findCycleContext, ruleMessage } from '$lib/review-context.server';
import { recordAudit } from '$lib/server/audit';
import { publishInboxChanges, publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { settleReminders } from '$lib/server/reminder';
import { closeCycle } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';

const CloseInput = v.object({
	label: v.pipe(v.string(), v.trim(), v.minLength(1, m.review_error_title()), v.maxLength(200, m.review_error_title())),
	adoptedAt: v.pipe(v.string(), v.check((s) => dateInputToMs(s) !== null, m.review_error_date()), v.transform((s) => dateInputToMs(s)!)),
	confirmDeferred: v.optional(v.string(), ''),
	/** the preview's key (see review-close.ts): closing is refused when the decisions changed since the preview */
	planKey: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,40}$/)))
});

/** The close form action (the preview page's confirmation; the preparation page's older form posts here too). Admins only. */
export async function closeAction(event: { request: Request; params: { cycleId: string }; locals: App.Locals; getClientAddress: () => string }) {
	const runtime = getRuntime();
	const ctx = await findCycleContext(event.locals, event.params.cycleId);
	if (!ctx) return fail(404, { message: m.validation_bad_input() });
	if (!ctx.access.admin) return fail(403, { message: m.review_error_admin() });
	const parsed = parseInput(CloseInput, formToObject(await event.request.formData()), m.validation_bad_input());
	if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors });
	const result = await closeCycle(
		runtime.db,
		{ readDocument: runtime.readDocument, createDocument: runtime.createDocument },
		{
			cycleId: ctx.cycle.id,
			userId: ctx.user.id,
			confirmDeferred: parsed.data.confirmDeferred === 'on',
			label: parsed.data.label,
			adoptedAt: parsed.data.adoptedAt,
			expectedKey: parsed.data.planKey
		}
	);
	if (!result.ok) return fail(400, { message: ruleMessage(result.error, result.missing), changed: result.error === 'plan_changed' });
	// closeCycle has no transaction of its own (it reads documents through the collaboration server): both rows right after it
	const versionId = result.versionId;
	await runtime.db.transaction().execute(async (trx) => {
		const common = { actor: ctx.user, regionId: ctx.plan.regionId, origin: event.getClientAddress() };
		await recordAudit(trx, { ...common, action: 'evaluation.closed', object: { type: 'cycle', id: ctx.cycle.id, label: `${ctx.plan.title} — ${ctx.cycle.title}` } });
		await recordAudit(trx, { ...common, action: 'version.adopted', object: { type: 'version', id: versionId, label: `${ctx.plan.title} — ${parsed.data.label}` } });
	});
	runtime.logger.info({ event: 'review_cycle_closed', user: ctx.user.id, cycle: ctx.cycle.id, version: versionId }, 'review cycle closed');
	publishPlanChange({ planId: ctx.plan.id, kind: 'review', id: ctx.cycle.id });
	publishPlanChange({ planId: ctx.plan.id, kind: 'structure' });
	publishInboxChanges(await settleReminders(runtime.db, ctx.cycle.id));
	return { closed: versionId, message: m.review_closed_ok() };
}

import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { dateInputToMs } from '$lib/review-labels';
import { canReadRegion } from '$lib/server/access';
import { publishInboxChanges, publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { getPlan } from '$lib/server/plan';
import { announceCycle } from '$lib/server/reminder';
import { createCycle, listCycles, openCycle } from '$lib/server/review';
import { recordAudit } from '$lib/server/audit';
import { getRuntime } from '$lib/server/runtime';
import { listVersions } from '$lib/server/version';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const plan = await getPlan(db, params.planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) notFound();
	const isAdmin = roles.regionRoles.get(plan.regionId) === 'admin';
	const [cycles, versions, members] = await Promise.all([
		listCycles(db, plan.id),
		listVersions(db, plan.id),
		isAdmin
			? db
					.selectFrom('region_memberships as rm')
					.innerJoin('users as u', 'u.id', 'rm.user_id')
					.select(['u.id', 'u.name'])
					.where('rm.region_id', '=', plan.regionId)
					.where('rm.role', 'in', ['admin', 'editor'])
					.orderBy('u.name')
					.execute()
			: Promise.resolve([])
	]);
	return { plan: { id: plan.id, title: plan.title }, cycles, versions, isAdmin, members, userId: user.id };
};

const OptionalDate = v.pipe(
	v.optional(v.string(), ''),
	v.check((s) => s === '' || dateInputToMs(s) !== null, m.review_error_date()),
	v.transform((s) => (s === '' ? null : dateInputToMs(s)))
);
const CreateInput = v.object({
	year: v.pipe(v.string(), v.trim(), v.regex(/^\d{4}$/, m.review_error_year()), v.transform(Number), v.minValue(2000, m.review_error_year()), v.maxValue(2100, m.review_error_year())),
	title: v.pipe(v.string(), v.trim(), v.minLength(1, m.review_error_title()), v.maxLength(200, m.review_error_title())),
	facilitatorId: v.pipe(v.optional(v.string(), ''), v.maxLength(40)),
	sessionDate: OptionalDate,
	prepDeadline: OptionalDate
});
const CycleIdInput = v.object({ cycleId: v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/)) });

async function adminContext(locals: App.Locals, planId: string) {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const plan = await getPlan(db, planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) return { error: fail(404, { message: m.validation_bad_input() }) } as const;
	if (roles.regionRoles.get(plan.regionId) !== 'admin') return { error: fail(403, { message: m.review_error_admin() }) } as const;
	return { user, plan } as const;
}

export const actions: Actions = {
	create: async ({ request, params, locals }) => {
		const { db, logger } = getRuntime();
		const ctx = await adminContext(locals, params.planId);
		if ('error' in ctx) return ctx.error;
		const parsed = parseInput(CreateInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const { year, title, facilitatorId, sessionDate, prepDeadline } = parsed.data;
		if (facilitatorId) {
			const member = await db
				.selectFrom('region_memberships')
				.select('user_id')
				.where('user_id', '=', facilitatorId)
				.where('region_id', '=', ctx.plan.regionId)
				.executeTakeFirst();
			if (!member) return fail(400, { message: m.review_error_facilitator_member() });
		}
		const id = await createCycle(db, {
			planId: ctx.plan.id,
			year,
			title,
			facilitatorId: facilitatorId || ctx.user.id,
			sessionDate,
			prepDeadline,
			createdBy: ctx.user.id
		});
		logger.info({ event: 'review_cycle_created', user: ctx.user.id, cycle: id, plan: ctx.plan.id }, 'review cycle created');
		publishPlanChange({ planId: ctx.plan.id, kind: 'review', id });
		return { created: id, message: m.review_created() };
	},
	open: async ({ request, params, locals, getClientAddress }) => {
		const { db, logger } = getRuntime();
		const ctx = await adminContext(locals, params.planId);
		if ('error' in ctx) return ctx.error;
		const parsed = parseInput(CycleIdInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const cycle = await db.selectFrom('review_cycles').select(['id', 'plan_id', 'title']).where('id', '=', parsed.data.cycleId).executeTakeFirst();
		if (!cycle || cycle.plan_id !== ctx.plan.id) return fail(404, { message: m.validation_bad_input() });
		const result = await db.transaction().execute(async (trx) => {
			const opened = await openCycle(trx, cycle.id);
			if (opened.ok) {
				await recordAudit(trx, {
					action: 'evaluation.opened',
					actor: ctx.user,
					regionId: ctx.plan.regionId,
					object: { type: 'cycle', id: cycle.id, label: `${ctx.plan.title} — ${cycle.title}` },
					origin: getClientAddress()
				});
			}
			return opened;
		});
		if (!result.ok) return fail(400, { message: result.error === 'already_closed' ? m.review_error_already_closed() : m.review_error_not_draft() });
		const reminded = await announceCycle(db, { cycleId: cycle.id, actorId: ctx.user.id });
		logger.info({ event: 'review_cycle_opened', user: ctx.user.id, cycle: cycle.id, reminded: reminded.length }, 'review cycle opened');
		publishPlanChange({ planId: ctx.plan.id, kind: 'review', id: cycle.id });
		publishInboxChanges(reminded);
		return { opened: cycle.id, message: m.review_opened({ count: reminded.length }) };
	}
};

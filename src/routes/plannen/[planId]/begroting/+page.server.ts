import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canEditPlan } from '$lib/server/access';
import { getBudget, removeFundingAmount, setFundingAmount } from '$lib/server/budget';
import { formToObject, parseInput, yearField } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { plan, roles } = await readablePlan(locals, params.planId);
	return { plan: { id: plan.id, title: plan.title }, budget: await getBudget(getRuntime().db, plan.id), canEdit: canEditPlan(roles, plan) };
};

const YearInput = v.object({
	sourceId: v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/)),
	year: yearField(m.indicators_error_year())
});
const AmountInput = v.object({
	...YearInput.entries,
	// whole euros as people write them: "155.000", "155000" or "€ 155.000"
	amount: v.pipe(
		v.string(),
		v.transform((s) => s.replace(/[€\s.]/g, '')),
		v.regex(/^\d{1,12}$/, m.budget_error_amount()),
		v.transform(Number)
	)
});

/** The funding source (of this plan) of a form, for an editor of the plan. */
async function sourceContext<S extends typeof YearInput | typeof AmountInput>(locals: App.Locals, planId: string, form: FormData, schema: S) {
	const { db, logger } = getRuntime();
	const { plan, roles } = await readablePlan(locals, planId);
	if (!canEditPlan(roles, plan)) {
		logger.warn({ event: 'budget_edit_refused', user: locals.user?.id, plan: plan.id }, 'budget edit refused');
		return { error: fail(403, { message: m.error_no_edit_right() }) } as const;
	}
	const parsed = parseInput(schema, formToObject(form), m.validation_bad_input());
	if (!parsed.ok) return { error: fail(400, { message: parsed.message }) } as const;
	const source = await db.selectFrom('funding_sources').select('id').where('id', '=', parsed.data.sourceId).where('plan_id', '=', plan.id).executeTakeFirst();
	if (!source) return { error: fail(400, { message: m.validation_bad_input() }) } as const;
	return { data: parsed.data as v.InferOutput<S> } as const;
}

export const actions: Actions = {
	setAmount: async ({ request, params, locals }) => {
		const ctx = await sourceContext(locals, params.planId, await request.formData(), AmountInput);
		if ('error' in ctx) return ctx.error;
		await setFundingAmount(getRuntime().db, ctx.data);
		getRuntime().logger.info({ event: 'funding_amount_set', user: locals.user?.id, source: ctx.data.sourceId, year: ctx.data.year }, 'funding amount set');
		return { saved: ctx.data.sourceId, message: m.budget_saved() };
	},
	removeAmount: async ({ request, params, locals }) => {
		const ctx = await sourceContext(locals, params.planId, await request.formData(), YearInput);
		if ('error' in ctx) return ctx.error;
		await removeFundingAmount(getRuntime().db, ctx.data);
		getRuntime().logger.info({ event: 'funding_amount_removed', user: locals.user?.id, source: ctx.data.sourceId, year: ctx.data.year }, 'funding amount removed');
		return { saved: ctx.data.sourceId, message: m.budget_removed() };
	}
};

import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canEditPlan } from '$lib/server/access';
import { getBudget, removeFundingAmount, setFundingAmount } from '$lib/server/budget';
import { formToObject, parseInput, yearField } from '$lib/server/forms';
import {
	archiveFundingSource,
	createFundingSource,
	listArchivedFundingSources,
	restoreFundingSource,
	updateFundingSource,
	type FundingError
} from '$lib/server/funding';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { db } = getRuntime();
	const { plan, roles } = await readablePlan(locals, params.planId);
	const canEdit = canEditPlan(roles, plan);
	return {
		plan: { id: plan.id, title: plan.title, themeWord: plan.levels.theme },
		budget: await getBudget(db, plan.id),
		canEdit,
		archived: canEdit ? await listArchivedFundingSources(db, plan.id) : [],
		municipalities: canEdit
			? await db.selectFrom('municipalities').select(['id', 'name']).where('region_id', '=', plan.regionId).orderBy('name').execute()
			: []
	};
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
	const source = await db
		.selectFrom('funding_sources')
		.select('id')
		.where('id', '=', parsed.data.sourceId)
		.where('plan_id', '=', plan.id)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!source) return { error: fail(400, { message: m.validation_bad_input() }) } as const;
	return { data: parsed.data as v.InferOutput<S> } as const;
}

const fundingMessages: Record<FundingError, () => string> = {
	not_found: () => m.funding_error_not_found(),
	name_required: () => m.funding_error_name_required(),
	name_too_long: () => m.funding_error_name_too_long(),
	name_duplicate: () => m.funding_error_name_duplicate(),
	note_too_long: () => m.funding_error_note_too_long(),
	parent_unknown: () => m.funding_error_parent_unknown(),
	parent_cycle: () => m.funding_error_parent_cycle(),
	parent_scope: () => m.funding_error_parent_scope(),
	municipality_unknown: () => m.funding_error_municipality_unknown(),
	has_parts: () => m.funding_error_has_parts(),
	parent_archived: () => m.funding_error_parent_archived()
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
// lengths are the domain's rules (funding.ts); this only bounds what is read
const SourceInput = v.object({
	name: v.pipe(v.string(), v.maxLength(2000, () => m.funding_error_name_too_long())),
	scope: v.picklist(['regional', 'local'], () => m.validation_bad_input()),
	parentId: v.optional(v.union([v.literal(''), Id]), ''),
	municipalityId: v.optional(v.union([v.literal(''), Id]), ''),
	note: v.optional(v.pipe(v.string(), v.maxLength(20000, () => m.funding_error_note_too_long())), '')
});
const SourceUpdate = v.object({ sourceId: Id, ...SourceInput.entries });
const SourceRef = v.object({ sourceId: Id });

/** A source form of this plan, for an editor of the plan: 403 for others, 400 for bad input. */
async function editContext<S extends v.GenericSchema>(locals: App.Locals, planId: string, form: FormData, schema: S) {
	const { plan, roles, user } = await readablePlan(locals, planId);
	if (!canEditPlan(roles, plan)) {
		getRuntime().logger.warn({ event: 'funding_edit_refused', user: user.id, plan: plan.id }, 'funding source edit refused');
		return { error: fail(403, { message: m.error_no_edit_right() }) } as const;
	}
	const parsed = parseInput(schema, formToObject(form), m.validation_bad_input());
	if (!parsed.ok) return { error: fail(400, { message: parsed.message }) } as const;
	return { plan, user, data: parsed.data as v.InferOutput<S> } as const;
}

const refused = (error: FundingError) => fail(error === 'not_found' ? 404 : 400, { message: fundingMessages[error]() });

export const actions: Actions = {
	createSource: async ({ request, params, locals }) => {
		const ctx = await editContext(locals, params.planId, await request.formData(), SourceInput);
		if ('error' in ctx) return ctx.error;
		const outcome = await createFundingSource(getRuntime().db, ctx.plan.id, ctx.data);
		if (!outcome.ok) return refused(outcome.error);
		getRuntime().logger.info({ event: 'funding_source_created', user: ctx.user.id, source: outcome.value }, 'funding source created');
		return { saved: outcome.value, message: m.funding_created() };
	},
	updateSource: async ({ request, params, locals }) => {
		const ctx = await editContext(locals, params.planId, await request.formData(), SourceUpdate);
		if ('error' in ctx) return ctx.error;
		const { sourceId, ...input } = ctx.data;
		const outcome = await updateFundingSource(getRuntime().db, ctx.plan.id, sourceId, input);
		if (!outcome.ok) return refused(outcome.error);
		getRuntime().logger.info({ event: 'funding_source_updated', user: ctx.user.id, source: sourceId }, 'funding source updated');
		return { saved: sourceId, message: m.funding_saved() };
	},
	archiveSource: async ({ request, params, locals }) => {
		const ctx = await editContext(locals, params.planId, await request.formData(), SourceRef);
		if ('error' in ctx) return ctx.error;
		const outcome = await archiveFundingSource(getRuntime().db, ctx.plan.id, ctx.data.sourceId, ctx.user.id);
		if (!outcome.ok) return refused(outcome.error);
		getRuntime().logger.info({ event: 'funding_source_archived', user: ctx.user.id, source: ctx.data.sourceId }, 'funding source archived');
		return { saved: ctx.data.sourceId, message: m.funding_archived() };
	},
	restoreSource: async ({ request, params, locals }) => {
		const ctx = await editContext(locals, params.planId, await request.formData(), SourceRef);
		if ('error' in ctx) return ctx.error;
		const outcome = await restoreFundingSource(getRuntime().db, ctx.plan.id, ctx.data.sourceId);
		if (!outcome.ok) return refused(outcome.error);
		getRuntime().logger.info({ event: 'funding_source_restored', user: ctx.user.id, source: ctx.data.sourceId }, 'funding source restored');
		return { saved: ctx.data.sourceId, message: m.funding_restored() };
	},
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

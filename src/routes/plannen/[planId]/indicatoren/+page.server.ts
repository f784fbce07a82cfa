import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canEditPlan } from '$lib/server/access';
import { formToObject, parseInput, yearField } from '$lib/server/forms';
import { listIndicators, removeIndicatorValue, setIndicatorValue, type IndicatorPlace } from '$lib/server/indicators';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { db } = getRuntime();
	const { plan, roles } = await readablePlan(locals, params.planId);
	const canEdit = canEditPlan(roles, plan);
	return {
		plan: { id: plan.id, title: plan.title },
		indicators: await listIndicators(db, plan.id),
		canEdit,
		municipalities: canEdit
			? await db.selectFrom('municipalities').select(['id', 'name']).where('region_id', '=', plan.regionId).orderBy('name').execute()
			: []
	};
};

const ValueInput = v.object({
	indicatorId: v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/)),
	year: yearField(m.indicators_error_year()),
	/** '' = the whole region, 'gemeente:<id>', or 'deel:<name of a part of the region>' */
	place: v.pipe(v.optional(v.string(), ''), v.maxLength(120), v.regex(/^(|gemeente:[a-z0-9]{1,40}|deel:.{1,100})$/, m.validation_bad_input()))
});
const SetInput = v.object({
	...ValueInput.entries,
	value: v.pipe(
		v.string(),
		v.trim(),
		v.transform((s) => Number(s.replace(',', '.'))),
		v.check((n) => Number.isFinite(n) && Math.abs(n) < 1e12, m.indicators_error_value())
	)
});

/** The form's place, checked against the plan's region; undefined when it is not a place of this region. */
async function placeOf(regionId: string, place: string): Promise<IndicatorPlace | undefined> {
	if (place === '') return null;
	if (place.startsWith('deel:')) return { subregion: place.slice(5).trim() };
	const id = place.slice('gemeente:'.length);
	const found = await getRuntime().db.selectFrom('municipalities').select('id').where('id', '=', id).where('region_id', '=', regionId).executeTakeFirst();
	return found ? { municipalityId: found.id } : undefined;
}

/** The indicator (of this plan) and the place of a figure form, for an editor of the plan. */
async function figureContext(locals: App.Locals, planId: string, form: FormData, schema: typeof ValueInput | typeof SetInput) {
	const { db, logger } = getRuntime();
	const { plan, roles } = await readablePlan(locals, planId);
	if (!canEditPlan(roles, plan)) {
		logger.warn({ event: 'indicator_edit_refused', user: locals.user?.id, plan: plan.id }, 'indicator edit refused');
		return { error: fail(403, { message: m.error_no_edit_right() }) } as const;
	}
	const parsed = parseInput(schema, formToObject(form), m.validation_bad_input());
	if (!parsed.ok) return { error: fail(400, { message: parsed.message }) } as const;
	const indicator = await db.selectFrom('indicators').select('id').where('id', '=', parsed.data.indicatorId).where('plan_id', '=', plan.id).executeTakeFirst();
	const place = await placeOf(plan.regionId, parsed.data.place);
	if (!indicator || place === undefined) return { error: fail(400, { message: m.validation_bad_input() }) } as const;
	return { plan, data: parsed.data, place } as const;
}

export const actions: Actions = {
	setValue: async ({ request, params, locals }) => {
		const ctx = await figureContext(locals, params.planId, await request.formData(), SetInput);
		if ('error' in ctx) return ctx.error;
		const value = (ctx.data as v.InferOutput<typeof SetInput>).value;
		await setIndicatorValue(getRuntime().db, { indicatorId: ctx.data.indicatorId, year: ctx.data.year, place: ctx.place, value });
		getRuntime().logger.info({ event: 'indicator_value_set', user: locals.user?.id, indicator: ctx.data.indicatorId, year: ctx.data.year }, 'indicator value set');
		return { saved: ctx.data.indicatorId, message: m.indicators_saved() };
	},
	removeValue: async ({ request, params, locals }) => {
		const ctx = await figureContext(locals, params.planId, await request.formData(), ValueInput);
		if ('error' in ctx) return ctx.error;
		await removeIndicatorValue(getRuntime().db, { indicatorId: ctx.data.indicatorId, year: ctx.data.year, place: ctx.place });
		getRuntime().logger.info({ event: 'indicator_value_removed', user: locals.user?.id, indicator: ctx.data.indicatorId, year: ctx.data.year }, 'indicator value removed');
		return { saved: ctx.data.indicatorId, message: m.indicators_removed() };
	}
};

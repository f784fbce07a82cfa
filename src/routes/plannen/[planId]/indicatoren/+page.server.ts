import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canEditPlan } from '$lib/server/access';
import { formToObject, parseInput, yearField } from '$lib/server/forms';
import {
	archiveIndicator,
	createIndicator,
	listArchivedIndicators,
	listIndicators,
	removeIndicatorValue,
	restoreIndicator,
	setIndicatorValue,
	setIndicatorValues,
	updateIndicator,
	type IndicatorError,
	type IndicatorPlace
} from '$lib/server/indicators';
import {
	guessMapping,
	IMPORT_MAX_CHARS,
	parseCsv,
	placeAliases,
	previewRows,
	type ColumnMapping,
	type CsvError,
	type PlaceOption,
	type PreviewRow,
	type RowError
} from '$lib/server/indicator-import';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { db } = getRuntime();
	const { plan, roles } = await readablePlan(locals, params.planId);
	const canEdit = canEditPlan(roles, plan);
	const indicators = await listIndicators(db, plan.id);
	return {
		plan: { id: plan.id, title: plan.title },
		indicators,
		canEdit,
		archived: canEdit ? await listArchivedIndicators(db, plan.id) : [],
		subregions: subregionsOf(indicators),
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
	const indicator = await db
		.selectFrom('indicators')
		.select('id')
		.where('id', '=', parsed.data.indicatorId)
		.where('plan_id', '=', plan.id)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	const place = await placeOf(plan.regionId, parsed.data.place);
	if (!indicator || place === undefined) return { error: fail(400, { message: m.validation_bad_input() }) } as const;
	return { plan, data: parsed.data, place } as const;
}

/** The parts of the region the plan's figures and indicators name (Regio Arnhem, Achterhoek …). */
function subregionsOf(indicators: { places: string[]; values: { subregion: string | null }[] }[]): string[] {
	const names = new Set<string>();
	for (const i of indicators) {
		for (const v of i.values) if (v.subregion) names.add(v.subregion);
		for (const p of i.places) if (p.startsWith('deel:')) names.add(p.slice(5));
	}
	return [...names].sort((a, b) => a.localeCompare(b, 'nl'));
}

const indicatorMessages: Record<IndicatorError, () => string> = {
	not_found: () => m.indicator_form_error_not_found(),
	name_required: () => m.indicator_form_error_name_required(),
	name_too_long: () => m.indicator_form_error_name_too_long(),
	name_duplicate: () => m.indicator_form_error_name_duplicate(),
	unit_required: () => m.indicator_form_error_unit_required(),
	unit_too_long: () => m.indicator_form_error_unit_too_long(),
	source_too_long: () => m.indicator_form_error_source_too_long(),
	description_too_long: () => m.indicator_form_error_description_too_long(),
	place_unknown: () => m.indicator_form_error_place_unknown()
};

const csvMessages: Record<CsvError, () => string> = {
	empty: () => m.indicator_form_csv_empty(),
	too_large: () => m.indicator_form_csv_too_large(),
	too_many_rows: () => m.indicator_form_csv_too_many_rows(),
	no_header: () => m.indicator_form_csv_no_header()
};

/** The Dutch reason a row of an import cannot be saved. */
function rowMessage(row: PreviewRow, error: RowError): string {
	switch (error) {
		case 'place_missing':
			return m.indicator_form_row_place_missing();
		case 'place_unknown':
			return m.indicator_form_row_place_unknown({ place: row.placeText });
		case 'place_not_of_indicator':
			return m.indicator_form_row_place_not_of_indicator({ place: row.place?.label ?? row.placeText });
		case 'year_bad':
			return m.indicator_form_row_year_bad({ year: row.yearText });
		case 'value_missing':
			return m.indicator_form_row_value_missing();
		case 'value_bad':
			return m.indicator_form_row_value_bad({ value: row.valueText });
		case 'duplicate':
			return m.indicator_form_row_duplicate();
	}
}

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
// lengths are the domain's rules (indicators.ts); this only bounds what is read
const IndicatorFields = v.object({
	name: v.pipe(v.string(), v.maxLength(2000, () => m.indicator_form_error_name_too_long())),
	unit: v.pipe(v.string(), v.maxLength(2000, () => m.indicator_form_error_unit_too_long())),
	source: v.optional(v.pipe(v.string(), v.maxLength(3000, () => m.indicator_form_error_source_too_long())), ''),
	description: v.optional(v.pipe(v.string(), v.maxLength(20000, () => m.indicator_form_error_description_too_long())), ''),
	subregions: v.optional(v.pipe(v.string(), v.maxLength(2000, () => m.indicator_form_error_place_unknown())), '')
});
const IndicatorRef = v.object({ indicatorId: Id });
const Column = v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number));
const ImportInput = v.object({
	indicatorId: Id,
	csv: v.optional(v.pipe(v.string(), v.maxLength(IMPORT_MAX_CHARS, () => m.indicator_form_csv_too_large())), ''),
	placeColumn: v.optional(Column),
	yearColumn: v.optional(Column),
	valueColumn: v.optional(Column)
});

/** The checked places of an indicator form: the boxes ticked plus the parts of the region typed. */
function placesOf(form: FormData, subregions: string): string[] | null {
	const ticked = form.getAll('places');
	if (ticked.length > 200 || ticked.some((p) => typeof p !== 'string')) return null;
	const typed = subregions
		.split(/[,;\n]/)
		.map((s) => s.trim())
		.filter(Boolean)
		.map((s) => `deel:${s}`);
	return [...(ticked as string[]), ...typed];
}

/** A form of this plan's indicators, for an editor of the plan: 403 for others, 400 for bad input. */
async function editContext<S extends v.GenericSchema>(locals: App.Locals, planId: string, form: FormData, schema: S) {
	const { plan, roles, user } = await readablePlan(locals, planId);
	if (!canEditPlan(roles, plan)) {
		getRuntime().logger.warn({ event: 'indicator_edit_refused', user: user.id, plan: plan.id }, 'indicator edit refused');
		return { error: fail(403, { message: m.error_no_edit_right() }) } as const;
	}
	const object = formToObject(form);
	delete object.places;
	delete object.file;
	const parsed = parseInput(schema, object, m.validation_bad_input());
	if (!parsed.ok) return { error: fail(400, { message: parsed.message }) } as const;
	return { plan, user, data: parsed.data as v.InferOutput<S> } as const;
}

const refused = (error: IndicatorError) => fail(error === 'not_found' ? 404 : 400, { message: indicatorMessages[error]() });

/** The places a file may name for this plan: the whole region, its gemeenten and the parts of the region. */
async function placeOptions(plan: { id: string; regionId: string }, subregions: string[]): Promise<PlaceOption[]> {
	const { db } = getRuntime();
	const [region, municipalities] = await Promise.all([
		db.selectFrom('regions').select('name').where('id', '=', plan.regionId).executeTakeFirst(),
		db.selectFrom('municipalities').select(['id', 'name', 'cbs_code']).where('region_id', '=', plan.regionId).execute()
	]);
	const regionName = region?.name ?? '';
	return [
		{ key: '', label: m.indicators_whole_region(), names: [m.indicators_whole_region(), 'Regio', 'Totaal', regionName, `Regio ${regionName}`].filter(Boolean) },
		...municipalities.map((mu) => ({ key: `gemeente:${mu.id}`, label: mu.name, names: [...placeAliases(mu.name), ...(mu.cbs_code ? [mu.cbs_code] : [])] })),
		...subregions.map((s) => ({ key: `deel:${s}`, label: s, names: [s] }))
	];
}

const placeFromKey = (key: string): IndicatorPlace =>
	key === '' ? null : key.startsWith('gemeente:') ? { municipalityId: key.slice('gemeente:'.length) } : { subregion: key.slice('deel:'.length) };

/** Reads the uploaded file (or the text the preview carried along) and previews it against the indicator. */
async function importPreview(plan: { id: string; regionId: string }, form: FormData, input: v.InferOutput<typeof ImportInput>) {
	const { db } = getRuntime();
	const indicators = await listIndicators(db, plan.id);
	const indicator = indicators.find((i) => i.id === input.indicatorId);
	if (!indicator) return { error: refused('not_found') } as const;
	let csv = input.csv;
	const file = form.get('file');
	if (file instanceof File && file.size > 0) {
		if (file.size > IMPORT_MAX_CHARS * 2) return { error: fail(400, { message: m.indicator_form_csv_too_large(), importFor: indicator.id }) } as const;
		csv = await file.text();
	}
	if (!csv) return { error: fail(400, { message: m.indicator_form_csv_no_file(), importFor: indicator.id }) } as const;
	const parsed = parseCsv(csv);
	if (!parsed.ok) return { error: fail(400, { message: csvMessages[parsed.error](), importFor: indicator.id }) } as const;
	const guessed = guessMapping(parsed.table.headers);
	const mapping: ColumnMapping = {
		place: input.placeColumn ?? guessed.place,
		year: input.yearColumn ?? guessed.year,
		value: input.valueColumn ?? guessed.value
	};
	const columns = parsed.table.headers.length;
	const valid = [mapping.place, mapping.year, mapping.value].every((c) => c >= 0 && c < columns) && new Set([mapping.place, mapping.year, mapping.value]).size === 3;
	const existing = new Map(
		indicator.values.map((v) => [`${v.municipalityId ? `gemeente:${v.municipalityId}` : v.subregion ? `deel:${v.subregion}` : ''}|${v.year}`, v.value])
	);
	const rows = valid ? previewRows(parsed.table, mapping, { places: await placeOptions(plan, subregionsOf(indicators)), allowed: indicator.places, existing }) : [];
	return { indicator, csv, headers: parsed.table.headers, mapping, valid, rows } as const;
}

export const actions: Actions = {
	createIndicator: async ({ request, params, locals }) => {
		const form = await request.formData();
		const ctx = await editContext(locals, params.planId, form, IndicatorFields);
		if ('error' in ctx) return ctx.error;
		const places = placesOf(form, ctx.data.subregions);
		if (!places) return fail(400, { message: m.validation_bad_input() });
		const outcome = await createIndicator(getRuntime().db, ctx.plan.id, { ...ctx.data, places });
		if (!outcome.ok) return refused(outcome.error);
		getRuntime().logger.info({ event: 'indicator_created', user: ctx.user.id, indicator: outcome.value }, 'indicator created');
		return { saved: outcome.value, message: m.indicator_form_created() };
	},
	updateIndicator: async ({ request, params, locals }) => {
		const form = await request.formData();
		const ctx = await editContext(locals, params.planId, form, v.object({ ...IndicatorRef.entries, ...IndicatorFields.entries }));
		if ('error' in ctx) return ctx.error;
		const places = placesOf(form, ctx.data.subregions);
		if (!places) return fail(400, { message: m.validation_bad_input() });
		const outcome = await updateIndicator(getRuntime().db, ctx.plan.id, ctx.data.indicatorId, { ...ctx.data, places });
		if (!outcome.ok) return refused(outcome.error);
		getRuntime().logger.info({ event: 'indicator_updated', user: ctx.user.id, indicator: ctx.data.indicatorId }, 'indicator updated');
		return { saved: ctx.data.indicatorId, message: m.indicator_form_saved() };
	},
	archiveIndicator: async ({ request, params, locals }) => {
		const ctx = await editContext(locals, params.planId, await request.formData(), IndicatorRef);
		if ('error' in ctx) return ctx.error;
		const outcome = await archiveIndicator(getRuntime().db, ctx.plan.id, ctx.data.indicatorId, ctx.user.id);
		if (!outcome.ok) return refused(outcome.error);
		getRuntime().logger.info({ event: 'indicator_archived', user: ctx.user.id, indicator: ctx.data.indicatorId }, 'indicator archived');
		return { message: m.indicator_form_archived(), archivedOk: true };
	},
	restoreIndicator: async ({ request, params, locals }) => {
		const ctx = await editContext(locals, params.planId, await request.formData(), IndicatorRef);
		if ('error' in ctx) return ctx.error;
		const outcome = await restoreIndicator(getRuntime().db, ctx.plan.id, ctx.data.indicatorId);
		if (!outcome.ok) return refused(outcome.error);
		getRuntime().logger.info({ event: 'indicator_restored', user: ctx.user.id, indicator: ctx.data.indicatorId }, 'indicator restored');
		return { saved: ctx.data.indicatorId, message: m.indicator_form_restored() };
	},
	previewImport: async ({ request, params, locals }) => {
		const form = await request.formData();
		const ctx = await editContext(locals, params.planId, form, ImportInput);
		if ('error' in ctx) return ctx.error;
		const preview = await importPreview(ctx.plan, form, ctx.data);
		if ('error' in preview) return preview.error;
		return {
			preview: {
				indicatorId: preview.indicator.id,
				indicatorName: preview.indicator.name,
				csv: preview.csv,
				headers: preview.headers,
				mapping: preview.mapping,
				mappingError: preview.valid ? null : m.indicator_form_csv_mapping(),
				rows: preview.rows.map((r) => ({
					line: r.line,
					placeText: r.placeText,
					yearText: r.yearText,
					valueText: r.valueText,
					place: r.place?.label ?? null,
					year: r.year,
					value: r.value,
					replaces: r.replaces,
					error: r.error ? rowMessage(r, r.error) : null
				}))
			}
		};
	},
	saveImport: async ({ request, params, locals }) => {
		const form = await request.formData();
		const ctx = await editContext(locals, params.planId, form, ImportInput);
		if ('error' in ctx) return ctx.error;
		const preview = await importPreview(ctx.plan, form, ctx.data);
		if ('error' in preview) return preview.error;
		if (!preview.valid) return fail(400, { message: m.indicator_form_csv_mapping(), importFor: preview.indicator.id });
		const good = preview.rows.filter((r) => !r.error && r.place && r.year !== null && r.value !== null);
		if (!good.length) return fail(400, { message: m.indicator_form_csv_nothing(), importFor: preview.indicator.id });
		await setIndicatorValues(
			getRuntime().db,
			preview.indicator.id,
			good.map((r) => ({ year: r.year!, place: placeFromKey(r.place!.key), value: r.value! }))
		);
		getRuntime().logger.info(
			{ event: 'indicator_values_imported', user: ctx.user.id, indicator: preview.indicator.id, rows: good.length, skipped: preview.rows.length - good.length },
			'indicator values imported'
		);
		return { saved: preview.indicator.id, message: m.indicator_form_import_saved({ count: good.length }) };
	},
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

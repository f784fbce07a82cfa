import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { canEditPlan } from '$lib/server/access';
import type { FieldDef } from '$lib/server/plan';
import {
	createImportedActions,
	guessMapping,
	previewActionImport,
	readActionTable,
	TableRefused,
	type ActionMapping,
	type ActionTable,
	type TableRefusal
} from '$lib/server/action-import';
import { publishPlanChange } from '$lib/server/events';
import { deleteUpload, loadUpload, storeUpload } from '$lib/server/plan-import';
import { MAX_FORM_BYTES } from '$lib/server/request-guard';
import { getRuntime } from '$lib/server/runtime';
import { MAX_IMPORT_BYTES } from '$lib/server/word-import';
import { readablePlan } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

/** Plan editors only: 403 for the plan's other readers, 404 (readablePlan) for everyone else. */
async function editablePlan(locals: App.Locals, planId: string) {
	const context = await readablePlan(locals, planId);
	if (!canEditPlan(context.roles, context.plan)) error(403, m.action_import_forbidden());
	return context;
}

async function themesOf(planId: string) {
	return getRuntime()
		.db.selectFrom('themes')
		.select(['id', 'number', 'title'])
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.orderBy('position')
		.execute();
}

export const load: PageServerLoad = async ({ params, locals }) => {
	const { plan } = await editablePlan(locals, params.planId);
	return {
		plan: { id: plan.id, title: plan.title, cardTemplate: plan.cardTemplate, themeWord: plan.levels.theme },
		themes: await themesOf(plan.id)
	};
};

function refusal(reason: TableRefusal): string {
	switch (reason) {
		case 'empty':
			return m.action_import_refused_empty();
		case 'not_table':
			return m.action_import_refused_not_table();
		case 'corrupt':
			return m.action_import_refused_corrupt();
		case 'too_many_rows':
			return m.action_import_refused_too_many_rows();
		case 'no_header':
			return m.action_import_refused_no_rows();
	}
}

const column = (value: FormDataEntryValue | null, max: number): number | null => {
	const n = Number(value ?? -1);
	return Number.isInteger(n) && n >= -1 && n < max ? n : null;
};

/** The mapping from the form; null when a value is out of range. */
function mappingFrom(form: FormData, table: ActionTable, cardTemplate: { key: string }[], themeIds: Set<string>): ActionMapping | null {
	const max = table.headers.length;
	const title = column(form.get('col_title'), max);
	const theme = column(form.get('col_theme'), max);
	const level = column(form.get('col_level'), max);
	const status = column(form.get('col_status'), max);
	if (title === null || title < 0 || theme === null || level === null || status === null) return null;
	const fields: Record<string, number> = {};
	for (const f of cardTemplate) {
		const c = column(form.get(`col_field_${f.key}`), max);
		if (c === null) return null;
		if (c >= 0) fields[f.key] = c;
	}
	const defaultThemeId = String(form.get('defaultThemeId') ?? '');
	if (defaultThemeId && !themeIds.has(defaultThemeId)) return null;
	const defaultLevel = form.get('defaultLevel') === 'local' ? 'local' : 'regional';
	return { title, theme, level, status, fields, defaultThemeId: defaultThemeId || null, defaultLevel };
}

/** What the page shows after reading a file or changing the mapping: the dry run. */
async function dryRun(plan: { id: string; cardTemplate: FieldDef[] }, uploadId: string, fileName: string, table: ActionTable, mapping: ActionMapping) {
	const rows = previewActionImport(table, mapping, await themesOf(plan.id), plan.cardTemplate);
	return {
		uploadId,
		fileName,
		headers: table.headers,
		mapping,
		rows: rows.slice(0, 200),
		total: rows.length,
		ready: rows.filter((r) => !r.problems.length).length
	};
}

export type ActionImportResult = Awaited<ReturnType<typeof dryRun>>;

async function reread(form: FormData, userId: string, regionId: string) {
	const uploadId = String(form.get('uploadId') ?? '');
	const upload = loadUpload(uploadId, userId, regionId);
	if (!upload) return { failure: fail(400, { message: m.action_import_expired() }) };
	try {
		return { uploadId, fileName: upload.fileName, table: await readActionTable(upload.bytes) };
	} catch (err) {
		if (err instanceof TableRefused) return { failure: fail(400, { message: refusal(err.reason) }) };
		throw err;
	}
}

export const actions: Actions = {
	read: async ({ request, params, locals }) => {
		const { plan, user } = await editablePlan(locals, params.planId);
		if (Number(request.headers.get('content-length') ?? 0) > MAX_FORM_BYTES) return fail(413, { message: m.action_import_too_large() });
		const form = await request.formData();
		const file = form.get('file');
		if (!(file instanceof File) || (file.size === 0 && !file.name)) return fail(400, { message: m.action_import_no_file() });
		if (file.size > MAX_IMPORT_BYTES) return fail(413, { message: m.action_import_too_large() });
		const bytes = new Uint8Array(await file.arrayBuffer());
		let table: ActionTable;
		try {
			table = await readActionTable(bytes);
		} catch (err) {
			if (err instanceof TableRefused) {
				getRuntime().logger.info({ event: 'action_import_refused', user: user.id, reason: err.reason }, 'action import refused');
				return fail(400, { message: refusal(err.reason) });
			}
			throw err;
		}
		const fileName = file.name.slice(0, 200);
		const uploadId = storeUpload(bytes, { userId: user.id, regionId: plan.regionId, fileName });
		const guessed = guessMapping(table.headers, plan.cardTemplate, plan.levels);
		return dryRun(plan, uploadId, fileName, table, { ...guessed, defaultThemeId: null, defaultLevel: plan.scope === 'municipality' ? 'local' : 'regional' });
	},
	preview: async ({ request, params, locals }) => {
		const { plan, user } = await editablePlan(locals, params.planId);
		const form = await request.formData();
		const read = await reread(form, user.id, plan.regionId);
		if ('failure' in read) return read.failure;
		const themes = await themesOf(plan.id);
		const mapping = mappingFrom(form, read.table, plan.cardTemplate, new Set(themes.map((t) => t.id)));
		if (!mapping) return fail(400, { message: m.validation_bad_input() });
		return dryRun(plan, read.uploadId, read.fileName, read.table, mapping);
	},
	create: async ({ request, params, locals }) => {
		const { plan, user } = await editablePlan(locals, params.planId);
		const { db, createDocument, logger } = getRuntime();
		const form = await request.formData();
		const read = await reread(form, user.id, plan.regionId);
		if ('failure' in read) return read.failure;
		const themes = await themesOf(plan.id);
		const mapping = mappingFrom(form, read.table, plan.cardTemplate, new Set(themes.map((t) => t.id)));
		if (!mapping) return fail(400, { message: m.validation_bad_input() });
		const rows = previewActionImport(read.table, mapping, themes, plan.cardTemplate);
		if (!rows.some((r) => !r.problems.length)) return fail(400, { message: m.action_import_nothing(), ...(await dryRun(plan, read.uploadId, read.fileName, read.table, mapping)) });
		const ids = await createImportedActions(db, { planId: plan.id, rows, cardTemplate: plan.cardTemplate }, createDocument);
		deleteUpload(read.uploadId);
		logger.info({ event: 'actions_imported', user: user.id, plan: plan.id, count: ids.length }, 'actions imported');
		publishPlanChange({ planId: plan.id, kind: 'structure', id: ids[0] });
		redirect(303, `/plannen/${plan.id}?geimporteerd=${ids.length}`);
	}
};

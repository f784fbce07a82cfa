import { error, fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { refusalMessage, warningMessage } from '$lib/import-messages';
import { m } from '$lib/paraglide/messages';
import { parseInput, yearField } from '$lib/server/forms';
import { mappingFromForm } from '$lib/server/import-mapping';
import { PLAN_KINDS } from '$lib/server/plan';
import { createImportedPlan, deleteUpload, importAccess, loadUpload, storeUpload } from '$lib/server/plan-import';
import { getRuntime } from '$lib/server/runtime';
import { checkDocx, ImportRefused, MAX_IMPORT_BYTES, readWordPlan, toPreview, type ImportMapping, type ParsedPlan } from '$lib/server/word-import';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

async function allowedRegion(locals: App.Locals, slug: string) {
	const { user, roles } = await currentUser(locals);
	const access = await importAccess(getRuntime().db, roles, slug);
	if (!access) notFound();
	if (!access.allowed) error(403, m.import_forbidden());
	return { user, region: access.region };
}

export const load: PageServerLoad = async ({ params, locals }) => {
	const { region } = await allowedRegion(locals, params.slug);
	const municipalities = await getRuntime()
		.db.selectFrom('municipalities')
		.select(['id', 'name'])
		.where('region_id', '=', region.id)
		.orderBy('name')
		.execute();
	return { region, municipalities };
};

export type ImportResult = ReturnType<typeof result>;

/** What the page shows after reading: the preview, the mapping used and the choices the file offers. */
function result(importId: string, fileName: string, plan: ParsedPlan) {
	const years = /(\d{4})\s*[-–]\s*(\d{4})/.exec(plan.title);
	const now = new Date().getFullYear();
	return {
		importId,
		fileName,
		preview: toPreview(plan),
		warnings: plan.warnings.map(warningMessage),
		mapping: plan.mapping satisfies ImportMapping,
		found: plan.found,
		defaults: { title: plan.title, periodStart: years ? Number(years[1]) : now, periodEnd: years ? Number(years[2]) : now + 3 }
	};
}

const PlanDetails = v.object({
	title: v.pipe(
		v.string(() => m.validation_title_required()),
		v.trim(),
		v.minLength(1, () => m.validation_title_required()),
		v.maxLength(300, () => m.validation_too_long())
	),
	kind: v.picklist(PLAN_KINDS, () => m.validation_bad_input()),
	municipalityId: v.pipe(v.string(), v.regex(/^[a-z0-9]{0,40}$/, () => m.validation_bad_input())),
	periodStart: yearField(m.validation_year()),
	periodEnd: yearField(m.validation_year())
});

/** Reads the stored upload again with the form's mapping. */
async function reread(form: FormData, userId: string, regionId: string) {
	const importId = String(form.get('importId') ?? '');
	const upload = loadUpload(importId, userId, regionId);
	if (!upload) return { failure: fail(400, { message: m.import_expired() }) };
	const mapping = mappingFromForm(form);
	if (!mapping) return { failure: fail(400, { message: m.import_field_bad() }) };
	try {
		const plan = await readWordPlan(upload.bytes, { mapping, fileName: upload.fileName });
		return { importId, fileName: upload.fileName, plan };
	} catch (err) {
		if (err instanceof ImportRefused) return { failure: fail(err.status, { message: refusalMessage(err.reason) }) };
		throw err;
	}
}

export const actions: Actions = {
	read: async ({ request, params, locals }) => {
		const { user, region } = await allowedRegion(locals, params.slug);
		const length = Number(request.headers.get('content-length') ?? 0);
		if (length > MAX_IMPORT_BYTES + 64 * 1024) return fail(413, { message: m.import_refused_too_large() });
		const form = await request.formData();
		const file = form.get('file');
		if (!(file instanceof File) || file.size === 0 && !file.name) return fail(400, { message: m.import_no_file() });
		if (file.size > MAX_IMPORT_BYTES) return fail(413, { message: m.import_refused_too_large() });
		const bytes = new Uint8Array(await file.arrayBuffer());
		try {
			await checkDocx(bytes);
			const fileName = file.name.slice(0, 200);
			const plan = await readWordPlan(bytes, { fileName });
			const importId = storeUpload(bytes, { userId: user.id, regionId: region.id, fileName });
			return result(importId, fileName, plan);
		} catch (err) {
			if (err instanceof ImportRefused) {
				getRuntime().logger.info({ event: 'import_refused', user: user.id, reason: err.reason }, 'word import refused');
				return fail(err.status, { message: refusalMessage(err.reason) });
			}
			throw err;
		}
	},
	preview: async ({ request, params, locals }) => {
		const { user, region } = await allowedRegion(locals, params.slug);
		const read = await reread(await request.formData(), user.id, region.id);
		if ('failure' in read) return read.failure;
		return result(read.importId, read.fileName, read.plan);
	},
	create: async ({ request, params, locals }) => {
		const { user, region } = await allowedRegion(locals, params.slug);
		const { db, createDocument, logger } = getRuntime();
		const form = await request.formData();
		const read = await reread(form, user.id, region.id);
		if ('failure' in read) return read.failure;
		const details = parseInput(PlanDetails, Object.fromEntries(['title', 'kind', 'municipalityId', 'periodStart', 'periodEnd'].map((k) => [k, form.get(k) ?? ''])), m.validation_bad_input());
		if (!details.ok) return fail(400, { message: details.message, ...result(read.importId, read.fileName, read.plan) });
		const input = details.data;
		if (input.periodEnd < input.periodStart) return fail(400, { message: m.validation_period(), ...result(read.importId, read.fileName, read.plan) });
		const municipalityId = input.municipalityId || null;
		if (municipalityId) {
			const mu = await db.selectFrom('municipalities').select('region_id').where('id', '=', municipalityId).executeTakeFirst();
			if (mu?.region_id !== region.id) return fail(400, { message: m.validation_bad_input(), ...result(read.importId, read.fileName, read.plan) });
		}
		const plan = read.plan;
		const id = await createImportedPlan(
			db,
			plan,
			{
				regionId: region.id,
				municipalityId,
				title: input.title,
				kind: input.kind,
				periodStart: input.periodStart,
				periodEnd: input.periodEnd,
				words: plan.mapping.words,
				defaultLevel: plan.mapping.cardLevel ?? (municipalityId ? 'local' : 'regional')
			},
			createDocument
		);
		deleteUpload(read.importId);
		logger.info({ event: 'plan_imported', user: user.id, plan: id }, 'plan imported from Word');
		redirect(303, `/plannen/${id}`);
	}
};

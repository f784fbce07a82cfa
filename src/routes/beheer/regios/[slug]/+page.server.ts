import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { requireInstanceAdmin } from '$lib/instance-admin.server';
import { m } from '$lib/paraglide/messages';
import { regionAdminRefusal } from '$lib/region-admin-messages';
import { formToObject, parseInput } from '$lib/server/forms';
import {
	addMunicipality,
	availableGemeenten,
	getRegion,
	MUNICIPALITY_NAME_MAX,
	REGION_NAME_MAX,
	renameRegion,
	setCentrumMunicipality,
	type AdminContext
} from '$lib/server/region-admin';
import { getRuntime } from '$lib/server/runtime';
import { notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const nameField = (max: number) =>
	v.pipe(
		v.string(() => m.admin_regions_error_name_empty()),
		v.trim(),
		v.minLength(1, () => m.admin_regions_error_name_empty()),
		v.maxLength(max, () => m.admin_regions_error_name_too_long())
	);

const Rename = v.object({ name: nameField(REGION_NAME_MAX) });
const AddMunicipality = v.object({ name: nameField(MUNICIPALITY_NAME_MAX) });
const SetCentrum = v.object({
	municipalityId: v.pipe(v.string(() => m.admin_regions_error_not_in_region()), v.regex(/^[a-z0-9]{0,40}$/, () => m.admin_regions_error_not_in_region()))
});

export const load: PageServerLoad = async ({ locals, params, url }) => {
	await requireInstanceAdmin(locals);
	const { db } = getRuntime();
	const region = await getRegion(db, params.slug);
	if (!region) notFound();
	return { region, available: await availableGemeenten(db), created: url.searchParams.has('nieuw') };
};

/** The instance admin (or a 403), the region of the address (or a 404), and the audit context. */
async function context(event: RequestEvent): Promise<{ ctx: AdminContext; regionId: string; userId: string }> {
	const user = await requireInstanceAdmin(event.locals);
	const region = await getRuntime().db.selectFrom('regions').select('id').where('slug', '=', event.params.slug).executeTakeFirst();
	if (!region) notFound();
	return { ctx: { actor: { id: user.id, name: user.name }, origin: event.getClientAddress() }, regionId: region.id, userId: user.id };
}

export const actions: Actions = {
	rename: async (event) => {
		const { ctx, regionId, userId } = await context(event);
		const parsed = parseInput(Rename, formToObject(await event.request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { section: 'rename', message: parsed.message, value: '' });
		const result = await renameRegion(getRuntime().db, ctx, { regionId, name: parsed.data.name });
		if (!result.ok) {
			const { status, message } = regionAdminRefusal(result);
			return fail(status, { section: 'rename', message, value: parsed.data.name });
		}
		getRuntime().logger.info({ event: 'region_renamed', user: userId, region: regionId }, 'region renamed');
		return { section: 'rename', success: true, message: m.admin_regions_renamed() };
	},

	addMunicipality: async (event) => {
		const { ctx, regionId, userId } = await context(event);
		const parsed = parseInput(AddMunicipality, formToObject(await event.request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { section: 'add', message: parsed.message, value: '' });
		const result = await addMunicipality(getRuntime().db, ctx, { regionId, name: parsed.data.name });
		if (!result.ok) {
			const { status, message } = regionAdminRefusal(result);
			getRuntime().logger.info({ event: 'municipality_add_refused', user: userId, region: regionId, reason: result.error }, 'gemeente not added');
			return fail(status, { section: 'add', message, value: parsed.data.name });
		}
		getRuntime().logger.info({ event: 'municipality_added', user: userId, region: regionId, municipality: result.id }, 'gemeente added');
		return {
			section: 'add',
			success: true,
			message: result.cbsCode ? m.admin_regions_added({ name: result.name }) : m.admin_regions_added_no_code({ name: result.name })
		};
	},

	setCentrum: async (event) => {
		const { ctx, regionId, userId } = await context(event);
		const parsed = parseInput(SetCentrum, formToObject(await event.request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { section: 'centrum', message: parsed.message });
		const result = await setCentrumMunicipality(getRuntime().db, ctx, { regionId, municipalityId: parsed.data.municipalityId || null });
		if (!result.ok) {
			const { status, message } = regionAdminRefusal(result);
			return fail(status, { section: 'centrum', message });
		}
		getRuntime().logger.info({ event: 'centrum_set', user: userId, region: regionId }, 'centrumgemeente set');
		return { section: 'centrum', success: true, message: m.admin_regions_centrum_saved() };
	}
};

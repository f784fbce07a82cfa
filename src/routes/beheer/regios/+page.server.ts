import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { requireInstanceAdmin } from '$lib/instance-admin.server';
import { m } from '$lib/paraglide/messages';
import { regionAdminRefusal } from '$lib/region-admin-messages';
import { formToObject, parseInput } from '$lib/server/forms';
import { createRegion, listRegions, REGION_NAME_MAX, slugify } from '$lib/server/region-admin';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

/** Length is checked again in the domain; here only to keep a huge post out. */
const NewRegion = v.object({
	name: v.pipe(
		v.string(() => m.admin_regions_error_name_empty()),
		v.trim(),
		v.minLength(1, () => m.admin_regions_error_name_empty()),
		v.maxLength(REGION_NAME_MAX, () => m.admin_regions_error_name_too_long())
	)
});

export const load: PageServerLoad = async ({ locals }) => {
	await requireInstanceAdmin(locals);
	return { regions: await listRegions(getRuntime().db) };
};

export const actions: Actions = {
	create: async (event) => {
		const user = await requireInstanceAdmin(event.locals);
		const { db, logger } = getRuntime();
		const parsed = parseInput(NewRegion, formToObject(await event.request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message, name: '' });
		const { name } = parsed.data;
		const result = await createRegion(db, { actor: { id: user.id, name: user.name }, origin: event.getClientAddress() }, { name });
		if (!result.ok) {
			const { status, message } = regionAdminRefusal(result, { slug: slugify(name) });
			logger.info({ event: 'region_create_refused', user: user.id, reason: result.error }, 'region not created');
			return fail(status, { message, name });
		}
		logger.info({ event: 'region_created', user: user.id, region: result.id }, 'region created');
		redirect(303, `/beheer/regios/${result.slug}?nieuw`);
	}
};

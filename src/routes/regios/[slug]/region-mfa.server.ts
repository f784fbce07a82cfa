import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canReadRegion } from '$lib/server/access';
import { formToObject, parseInput } from '$lib/server/forms';
import { setRegionMfaRequired } from '$lib/server/mfa';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestEvent } from './$types';

/** The region page's MFA requirement: shown to and changed by the region's admins only. */
export async function loadRegionMfa(regionId: string, isAdmin: boolean): Promise<{ required: boolean } | null> {
	if (!isAdmin) return null;
	const row = await getRuntime().db.selectFrom('regions').select('mfa_required').where('id', '=', regionId).executeTakeFirst();
	return { required: row?.mfa_required === 1 };
}

const MfaInput = v.object({ required: v.optional(v.picklist(['on'], () => m.validation_bad_input())) });

export async function mfaRequiredAction({ request, params, locals, getClientAddress }: RequestEvent) {
	const { db, logger, recheckUser } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const region = await db.selectFrom('regions').select(['id']).where('slug', '=', params.slug).executeTakeFirst();
	if (!region || !canReadRegion(roles, region.id)) notFound();
	const parsed = parseInput(MfaInput, formToObject(await request.formData()), m.validation_bad_input());
	if (!parsed.ok) return fail(400, { section: 'mfa' as const, message: parsed.message });
	const required = parsed.data.required === 'on';
	const result = await setRegionMfaRequired(db, { actor: { id: user.id, name: user.name }, regionId: region.id, required, origin: getClientAddress() });
	if (!result.ok) {
		logger.info({ event: 'region_mfa_refused', user: user.id, region: region.id, reason: result.problem }, 'region MFA change refused');
		return fail(result.problem === 'forbidden' ? 403 : 400, {
			section: 'mfa' as const,
			message: result.problem === 'forbidden' ? m.mfa_region_forbidden() : m.mfa_region_own_missing()
		});
	}
	for (const id of result.signedOut) recheckUser(id);
	logger.info({ event: 'region_mfa_required', user: user.id, region: region.id, required, signedOut: result.signedOut.length }, 'region MFA requirement changed');
	return { section: 'mfa' as const, success: true, message: required ? m.mfa_region_on() : m.mfa_region_off() };
}

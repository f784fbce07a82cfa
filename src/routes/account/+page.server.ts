import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { passwordProblemMessage } from '$lib/password-messages';
import { changePassword } from '$lib/server/account';
import { formToObject, parseInput, type FieldErrors } from '$lib/server/forms';
import { checkPasswordStrength, verifyPassword } from '$lib/server/password';
import { forgetDevices } from '$lib/server/login-device';
import { listMyRegionRoles } from '$lib/server/home';
import { getRuntime } from '$lib/server/runtime';
import { getPasswordHash } from '$lib/server/user';
import { accountActions, loadAccount } from './account.server';
import type { Actions, PageServerLoad } from './$types';

const ChangePasswordInput = v.object({
	current: v.pipe(
		v.string(() => m.validation_password_required()),
		v.minLength(1, () => m.validation_password_required()),
		v.maxLength(1024, () => m.validation_too_long())
	),
	next: v.pipe(v.string(() => m.password_too_short()), v.maxLength(1024, () => m.password_too_long())),
	repeat: v.pipe(v.string(() => m.password_mismatch()), v.maxLength(1024, () => m.validation_too_long()))
});

export const load: PageServerLoad = async ({ locals }) => ({
	user: locals.user!,
	...(await loadAccount(locals.user!.id)),
	// the strongest role in each region, named as on Mijn Kring
	regionRoles: await listMyRegionRoles(getRuntime().db, locals.user!.id)
});

export const actions: Actions = {
	password: async ({ request, locals, getClientAddress }) => {
		const { db, logger, recheckUser } = getRuntime();
		const user = locals.user!;
		const parsed = parseInput(ChangePasswordInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors });
		const { current, next, repeat } = parsed.data;
		const problem = checkPasswordStrength(next, { email: user.email });
		if (problem) return fail(400, { message: passwordProblemMessage(problem), errors: { next: passwordProblemMessage(problem) } as FieldErrors });
		if (next !== repeat) return fail(400, { message: m.password_mismatch(), errors: { repeat: m.password_mismatch() } as FieldErrors });
		if (!(await verifyPassword(await getPasswordHash(db, user.id), current))) {
			return fail(400, { message: m.password_current_wrong(), errors: { current: m.password_current_wrong() } as FieldErrors });
		}
		await changePassword(db, { actor: { id: user.id, name: user.name }, password: next, keepSessionId: locals.session!.id, origin: getClientAddress() });
		await forgetDevices(db, user.id);
		recheckUser(user.id);
		logger.info({ event: 'password_changed', user: user.id }, 'password changed');
		return { success: true, message: m.password_changed() };
	},
	...accountActions
};

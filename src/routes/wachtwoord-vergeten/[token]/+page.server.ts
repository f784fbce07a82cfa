import { error, fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { passwordProblemMessage } from '$lib/password-messages';
import type { LinkProblem } from '$lib/server/account-token';
import { formToObject, parseInput, type FieldErrors } from '$lib/server/forms';
import { forgetDevices } from '$lib/server/login-device';
import { checkPasswordStrength } from '$lib/server/password';
import { checkPasswordResetLink, resetPassword } from '$lib/server/password-reset';
import { getRuntime } from '$lib/server/runtime';
import { accountKey, recordSuccess } from '$lib/server/throttle';
import type { Actions, PageServerLoad } from './$types';

function linkMessage(problem: LinkProblem): string {
	return problem === 'used' ? m.reset_link_used() : problem === 'expired' ? m.reset_link_expired() : m.reset_link_unknown();
}

const NewPassword = v.object({
	password: v.pipe(v.string(() => m.password_too_short()), v.maxLength(1024, () => m.validation_too_long())),
	repeat: v.pipe(v.string(() => m.password_mismatch()), v.maxLength(1024, () => m.validation_too_long()))
});

export const load: PageServerLoad = async ({ params }) => {
	const link = await checkPasswordResetLink(getRuntime().db, params.token);
	if (!link.ok) error(link.problem === 'unknown' ? 404 : 400, linkMessage(link.problem));
	return { email: link.email };
};

export const actions: Actions = {
	default: async (event) => {
		const { db, logger, recheckUser } = getRuntime();
		const link = await checkPasswordResetLink(db, event.params.token);
		if (!link.ok) return fail(link.problem === 'unknown' ? 404 : 400, { message: linkMessage(link.problem), errors: {} as FieldErrors });
		const parsed = parseInput(NewPassword, formToObject(await event.request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors });
		const { password, repeat } = parsed.data;
		const problem = checkPasswordStrength(password, { email: link.email });
		if (problem) return fail(400, { message: passwordProblemMessage(problem), errors: { password: passwordProblemMessage(problem) } as FieldErrors });
		if (password !== repeat) return fail(400, { message: m.password_mismatch(), errors: { repeat: m.password_mismatch() } as FieldErrors });
		const done = await resetPassword(db, { token: event.params.token, password, origin: event.getClientAddress() });
		if (!done.ok) return fail(400, { message: linkMessage(done.problem), errors: {} as FieldErrors });
		recheckUser(done.userId);
		// Browsers remembered for sign-in throttling (login-device.ts) count as new again, as after a password change.
		await forgetDevices(db, done.userId);
		// The old password's failures no longer say anything about this account.
		await recordSuccess(db, accountKey(done.email));
		logger.info({ event: 'password_reset', user: done.userId }, 'password reset');
		// Away from the link, which is used up now (this page's load would refuse it).
		redirect(303, '/wachtwoord-vergeten?gewijzigd');
	}
};

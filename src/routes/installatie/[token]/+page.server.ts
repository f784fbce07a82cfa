import { error, fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { passwordProblemMessage } from '$lib/password-messages';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/cookies';
import { formToObject, parseInput, type FieldErrors } from '$lib/server/forms';
import { checkPasswordStrength } from '$lib/server/password';
import { getRuntime } from '$lib/server/runtime';
import { createSession, generateSessionToken } from '$lib/server/session';
import { createInstanceAdmin, EMAIL_MAX_LENGTH, findSetupToken, NAME_MAX_LENGTH } from '$lib/server/setup';
import type { Actions, PageServerLoad } from './$types';

const SetupInput = v.object({
	name: v.pipe(
		v.string(() => m.setup_error_name()),
		v.trim(),
		v.minLength(1, () => m.setup_error_name()),
		v.maxLength(NAME_MAX_LENGTH, () => m.setup_error_name())
	),
	email: v.optional(
		v.pipe(v.string(() => m.validation_email()), v.trim(), v.maxLength(EMAIL_MAX_LENGTH, () => m.validation_email()), v.email(() => m.validation_email()))
	),
	password: v.pipe(v.string(() => m.password_too_short()), v.maxLength(1024, () => m.password_too_long())),
	repeat: v.pipe(v.string(() => m.setup_password_mismatch()), v.maxLength(1024, () => m.setup_password_mismatch()))
});

function linkNotValid(): never {
	error(404, m.setup_not_found_text());
}

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	// the page's address is a secret: never stored by a cache
	setHeaders({ 'Cache-Control': 'no-store' });
	const link = await findSetupToken(getRuntime().db, params.token);
	if (!link) linkNotValid();
	return { email: link.email };
};

export const actions: Actions = {
	default: async (event) => {
		const { db, logger, sessionPolicy } = getRuntime();
		const link = await findSetupToken(db, event.params.token);
		if (!link) linkNotValid();
		const parsed = parseInput(SetupInput, formToObject(await event.request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors, name: '', email: '' });
		const { name, password, repeat } = parsed.data;
		// a link made for one address creates that account; the first-start link takes the typed one
		const email = link.email ?? parsed.data.email;
		const keep = { name, email: email ?? '' };
		if (!email) return fail(400, { message: m.validation_email(), errors: { email: m.validation_email() } as FieldErrors, ...keep });
		const problem = checkPasswordStrength(password, { email });
		if (problem) {
			const message = passwordProblemMessage(problem);
			return fail(400, { message, errors: { password: message } as FieldErrors, ...keep });
		}
		if (password !== repeat) return fail(400, { message: m.setup_password_mismatch(), errors: { repeat: m.setup_password_mismatch() } as FieldErrors, ...keep });

		const result = await createInstanceAdmin(db, { token: event.params.token, name, email, password, origin: event.getClientAddress() });
		if (!result.ok) {
			switch (result.reason) {
				case 'token':
					linkNotValid();
				case 'email_taken':
					return fail(400, { message: m.setup_error_email_taken(), errors: { email: m.setup_error_email_taken() } as FieldErrors, ...keep });
				case 'email_mismatch':
					return fail(400, { message: m.setup_error_email_mismatch(), errors: { email: m.setup_error_email_mismatch() } as FieldErrors, ...keep });
				case 'name':
					return fail(400, { message: m.setup_error_name(), errors: { name: m.setup_error_name() } as FieldErrors, ...keep });
				case 'password': {
					const message = passwordProblemMessage(result.problem);
					return fail(400, { message, errors: { password: message } as FieldErrors, ...keep });
				}
			}
		}
		const token = generateSessionToken();
		const session = await createSession(db, token, result.user.id, sessionPolicy);
		await db.updateTable('users').set({ last_login_at: Date.now() }).where('id', '=', result.user.id).execute();
		event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(event.url, session.expiresAt));
		logger.info({ event: 'setup_admin_created', user: result.user.id }, 'instance admin created through a setup link');
		redirect(303, '/beheer/regios');
	}
};

import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/cookies';
import { formToObject, parseInput, type FieldErrors } from '$lib/server/forms';
import { verifyPassword } from '$lib/server/password';
import { getRuntime } from '$lib/server/runtime';
import { createSession, generateSessionToken } from '$lib/server/session';
import { accountKey, addressKey, consumeAttempt, recordFailure, recordSuccess } from '$lib/server/throttle';
import { getUserByEmail } from '$lib/server/user';
import type { Actions, PageServerLoad } from './$types';

const LoginInput = v.object({
	email: v.pipe(
		v.string(() => m.validation_email()),
		v.trim(),
		v.maxLength(254, () => m.validation_too_long()),
		v.email(() => m.validation_email())
	),
	password: v.pipe(
		v.string(() => m.validation_password_required()),
		v.minLength(1, () => m.validation_password_required()),
		v.maxLength(1024, () => m.validation_too_long())
	),
	redirectTo: v.optional(v.pipe(v.string(), v.maxLength(2000)))
});

/** Only paths on this site: never an open redirect. */
function safeRedirect(target: string | undefined): string {
	return target && target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/\\') ? target : '/';
}

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirect(url.searchParams.get('redirectTo') ?? undefined));
	return { redirectTo: url.searchParams.get('redirectTo') ?? '', loggedOut: url.searchParams.has('uitgelogd') };
};

export const actions: Actions = {
	default: async (event) => {
		const { db, logger, sessionPolicy, throttle } = getRuntime();
		const parsed = parseInput(LoginInput, formToObject(await event.request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors, email: '' });
		const { email, password, redirectTo } = parsed.data;

		const keys = [
			{ key: accountKey(email), policy: throttle.account },
			{ key: addressKey(event.getClientAddress()), policy: throttle.address }
		];
		const decision = await consumeAttempt(db, keys);
		if (!decision.allowed) {
			logger.warn({ event: 'login_throttled' }, 'login throttled');
			const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
			return fail(429, { message: m.login_throttled({ seconds }), errors: {} as FieldErrors, email });
		}

		const user = await getUserByEmail(db, email);
		const valid = await verifyPassword(user?.password_hash ?? null, password);
		if (!user || !valid) {
			await recordFailure(db, keys);
			logger.info({ event: 'login_failed' }, 'login failed');
			return fail(400, { message: m.login_failed(), errors: {} as FieldErrors, email });
		}

		await recordSuccess(db, accountKey(email));
		// A deactivated account cannot sign in (the same answer as a wrong password); the members page shows the last sign-in.
		const signedIn = await db.updateTable('users').set({ last_login_at: Date.now() }).where('id', '=', user.id).where('deactivated_at', 'is', null).executeTakeFirst();
		if (Number(signedIn.numUpdatedRows) === 0) {
			logger.info({ event: 'login_refused_deactivated', user: user.id }, 'login refused: account deactivated');
			return fail(400, { message: m.login_failed(), errors: {} as FieldErrors, email });
		}
		const token = generateSessionToken();
		const session = await createSession(db, token, user.id, sessionPolicy);
		event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(event.url, session.expiresAt));
		logger.info({ event: 'login', user: user.id }, 'login');
		redirect(303, safeRedirect(redirectTo));
	}
};

import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { recordAudit } from '$lib/server/audit';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/cookies';
import { formToObject, parseInput, type FieldErrors } from '$lib/server/forms';
import { recordSessionDevice } from '$lib/server/account';
import { beginSecondStep, PENDING_LOGIN_COOKIE, pendingLoginCookieOptions } from '$lib/server/mfa';
import { verifyPassword } from '$lib/server/password';
import { metrics } from '$lib/server/metrics';
import { getRuntime } from '$lib/server/runtime';
import { createSession, generateSessionToken } from '$lib/server/session';
import { DEVICE_COOKIE, deviceFor, deviceKey, rememberDeviceCookie } from '$lib/server/login-device';
import { safeRedirect } from '$lib/server/safe-redirect';
import { accountKey, addressKey, consumeAttempt, recordSuccess } from '$lib/server/throttle';
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

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirect(url.searchParams.get('redirectTo'), url.origin));
	return { redirectTo: url.searchParams.get('redirectTo') ?? '', loggedOut: url.searchParams.has('uitgelogd') };
};

/** When to try again: seconds for a short wait, the clock time for a long one. */
function throttledMessage(retryAfterMs: number): string {
	const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
	if (seconds < 120) return m.login_throttled({ seconds });
	const at = new Date(Date.now() + retryAfterMs).toLocaleTimeString('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });
	return m.login_throttled_until({ time: at });
}

export const actions: Actions = {
	default: async (event) => {
		const { db, logger, sessionPolicy, throttle } = getRuntime();
		const parsed = parseInput(LoginInput, formToObject(await event.request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors, email: '' });
		const { email, password, redirectTo } = parsed.data;

		const user = await getUserByEmail(db, email);
		// A browser where this account signed in before is counted on its own (see login-device.ts).
		const device = await deviceFor(db, event.cookies.get(DEVICE_COOKIE), user?.id);
		const keys = device
			? [{ key: deviceKey(device), policy: throttle.account }]
			: [
					{ key: accountKey(email), policy: throttle.account },
					{ key: addressKey(event.getClientAddress()), policy: throttle.address }
				];
		const decision = await consumeAttempt(db, keys);
		if (!decision.allowed) {
			logger.warn({ event: 'login_throttled', device: device !== null }, 'login throttled');
			metrics().loginThrottled.inc();
			return fail(429, { message: throttledMessage(decision.retryAfterMs), errors: {} as FieldErrors, email });
		}

		const valid = await verifyPassword(user?.password_hash ?? null, password);
		if (!user || !valid) {
			// an address without an account is not stored: no actor, no object
			await recordAudit(db, { action: 'login.failed', result: 'failure', actor: user ? { id: user.id, name: user.name } : null, origin: event.getClientAddress(), detail: { reason: user ? 'wrong_password' : 'unknown_account' } });
			logger.info({ event: 'login_failed' }, 'login failed');
			return fail(400, { message: m.login_failed(), errors: {} as FieldErrors, email });
		}

		await recordSuccess(db, keys);
		// A deactivated account cannot sign in (the same answer as a wrong password); the members page shows the last sign-in.
		const signedIn = await db.updateTable('users').set({ last_login_at: Date.now() }).where('id', '=', user.id).where('deactivated_at', 'is', null).executeTakeFirst();
		if (Number(signedIn.numUpdatedRows) === 0) {
			await recordAudit(db, { action: 'login.failed', result: 'failure', actor: { id: user.id, name: user.name }, origin: event.getClientAddress(), detail: { reason: 'deactivated' } });
			logger.info({ event: 'login_refused_deactivated', user: user.id }, 'login refused: account deactivated');
			return fail(400, { message: m.login_failed(), errors: {} as FieldErrors, email });
		}
		// MFA: the code (or, where a region requires it, enrolment) comes first; no session exists before it (/login/tweede-stap).
		const secondStep = await beginSecondStep(db, { userId: user.id, redirectTo: safeRedirect(redirectTo, event.url.origin) });
		if (secondStep) {
			event.cookies.set(PENDING_LOGIN_COOKIE, secondStep.token, pendingLoginCookieOptions(event.url, secondStep.expiresAt));
			redirect(303, '/login/tweede-stap');
		}
		const token = generateSessionToken();
		const session = await createSession(db, token, user.id, sessionPolicy);
		await recordSessionDevice(db, session.id, event.request.headers.get('user-agent'));
		await recordAudit(db, { action: 'login', actor: { id: user.id, name: user.name }, object: { type: 'user', id: user.id, label: user.name }, origin: event.getClientAddress() });
		event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(event.url, session.expiresAt));
		await rememberDeviceCookie(db, event.cookies, event.url, user.id);
		logger.info({ event: 'login', user: user.id }, 'login');
		redirect(303, safeRedirect(redirectTo, event.url.origin));
	}
};

import { fail, redirect, type Cookies } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { recordSessionDevice } from '$lib/server/account';
import { recordAudit } from '$lib/server/audit';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/cookies';
import { formToObject, parseInput } from '$lib/server/forms';
import {
	confirmEnrolment,
	endPendingLogin,
	formatSecret,
	PENDING_LOGIN_COOKIE,
	readPendingLogin,
	startEnrolment,
	totpQrSvg,
	totpUri,
	verifySecondFactor,
	type PendingLogin
} from '$lib/server/mfa';
import { getRuntime } from '$lib/server/runtime';
import { rememberDeviceCookie } from '$lib/server/login-device';
import { createSession, generateSessionToken } from '$lib/server/session';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The second step of a sign-in whose password was right: the code from the
 * app (or a recovery code), or — where a region requires MFA and it is not on
 * yet — enrolment. The pending sign-in lives five minutes in a cookie bound to
 * one row; the session cookie is set only here, after the second factor.
 */
const CodeInput = v.object({
	code: v.pipe(v.string(() => m.mfa_code_required()), v.trim(), v.minLength(1, () => m.mfa_code_required()), v.maxLength(40, () => m.mfa_wrong_code()))
});

async function pending(cookies: Cookies): Promise<PendingLogin | null> {
	const token = cookies.get(PENDING_LOGIN_COOKIE);
	return token ? readPendingLogin(getRuntime().db, token) : null;
}

function codeProblem(result: { problem: string; retryAfterMs?: number }) {
	if (result.problem === 'throttled') {
		return fail(429, { message: m.mfa_throttled({ seconds: Math.max(1, Math.ceil((result.retryAfterMs ?? 1000) / 1000)) }), errors: {} });
	}
	if (result.problem === 'not_started') return fail(400, { message: m.mfa_not_started(), errors: {} });
	return fail(400, { message: m.mfa_wrong_code(), errors: { code: m.mfa_wrong_code() } });
}

/** The pending sign-in becomes a session (once: a second request with the same cookie finds no row). */
async function signIn(event: RequestEvent, login: PendingLogin, method: 'totp' | 'recovery' | 'enrolled'): Promise<boolean> {
	const { db, logger, sessionPolicy } = getRuntime();
	if (!(await endPendingLogin(db, login.id))) return false;
	event.cookies.delete(PENDING_LOGIN_COOKIE, { path: '/login' });
	const token = generateSessionToken();
	const session = await createSession(db, token, login.user.id, sessionPolicy);
	await recordSessionDevice(db, session.id, event.request.headers.get('user-agent'));
	await recordAudit(db, {
		action: 'login',
		actor: { id: login.user.id, name: login.user.name },
		object: { type: 'user', id: login.user.id, label: login.user.name },
		origin: event.getClientAddress(),
		detail: { mfa: method }
	});
	event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(event.url, session.expiresAt));
	await rememberDeviceCookie(db, event.cookies, event.url, login.user.id);
	logger.info({ event: 'login', user: login.user.id, mfa: method }, 'login');
	return true;
}

export const load: PageServerLoad = async ({ cookies, locals }) => {
	// Signed in already (e.g. just enrolled: the page still shows the recovery codes).
	if (locals.user) return { step: 'signed_in' as const };
	const login = await pending(cookies);
	if (!login) return { step: 'expired' as const };
	if (login.step === 'verify') return { step: 'verify' as const };
	const started = await startEnrolment(getRuntime().db, login.user.id);
	if (!started) return { step: 'verify' as const };
	return {
		step: 'enrol' as const,
		secret: formatSecret(started.secret),
		qr: totpQrSvg(totpUri(started.secret, login.user.email), m.mfa_qr_label())
	};
};

export const actions: Actions = {
	verify: async (event) => {
		const { db, throttle } = getRuntime();
		const login = await pending(event.cookies);
		if (!login) return fail(400, { message: m.mfa_login_expired(), errors: {}, expired: true });
		const parsed = parseInput(CodeInput, formToObject(await event.request.formData()), m.mfa_code_required());
		if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors });
		const result = await verifySecondFactor(db, {
			actor: { id: login.user.id, name: login.user.name },
			code: parsed.data.code,
			throttle: throttle.account,
			origin: event.getClientAddress()
		});
		if (!result.ok) {
			getRuntime().logger.info({ event: 'mfa_failed', user: login.user.id, reason: result.problem }, 'second factor refused');
			return codeProblem(result);
		}
		if (!(await signIn(event, login, result.method))) return fail(400, { message: m.mfa_login_expired(), errors: {}, expired: true });
		// A used recovery code: show how many are left, where new ones are made.
		redirect(303, result.method === 'recovery' ? '/account/beveiliging?herstelcode' : login.redirectTo);
	},

	enrol: async (event) => {
		const { db, throttle } = getRuntime();
		const login = await pending(event.cookies);
		if (!login || login.step !== 'enrol') return fail(400, { message: m.mfa_login_expired(), errors: {}, expired: true });
		const parsed = parseInput(CodeInput, formToObject(await event.request.formData()), m.mfa_code_required());
		if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors });
		const result = await confirmEnrolment(db, {
			actor: { id: login.user.id, name: login.user.name },
			code: parsed.data.code,
			throttle: throttle.account,
			origin: event.getClientAddress()
		});
		if (!result.ok) return codeProblem(result);
		if (!(await signIn(event, login, 'enrolled'))) return fail(400, { message: m.mfa_login_expired(), errors: {}, expired: true });
		return { recoveryCodes: result.recoveryCodes, redirectTo: login.redirectTo };
	}
};

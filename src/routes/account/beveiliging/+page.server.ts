import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { listSessions, revokeSession } from '$lib/server/account';
import { SESSION_COOKIE } from '$lib/server/cookies';
import { formToObject, parseInput } from '$lib/server/forms';
import {
	confirmEnrolment,
	disableMfa,
	formatSecret,
	getMfaStatus,
	pendingEnrolmentSecret,
	regenerateRecoveryCodes,
	startEnrolment,
	totpQrSvg,
	totpUri
} from '$lib/server/mfa';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

/** /account/beveiliging: MFA on and off, recovery codes, and one's sessions with "uitloggen op dit apparaat". */
const CodeInput = v.object({
	code: v.pipe(v.string(() => m.mfa_code_required()), v.trim(), v.minLength(1, () => m.mfa_code_required()), v.maxLength(40, () => m.mfa_wrong_code()))
});
const RevokeInput = v.object({ session: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, () => m.account_sessions_not_found())) });

function codeFailure(section: 'enrol' | 'disable', result: { problem: string; retryAfterMs?: number }) {
	if (result.problem === 'throttled') {
		return fail(429, { section, message: m.mfa_throttled({ seconds: Math.max(1, Math.ceil((result.retryAfterMs ?? 1000) / 1000)) }), errors: {} });
	}
	if (result.problem === 'required') return fail(403, { section, message: m.mfa_cannot_disable(), errors: {} });
	if (result.problem === 'not_started' || result.problem === 'not_enabled') return fail(400, { section, message: m.mfa_not_started(), errors: {} });
	return fail(400, { section, message: m.mfa_wrong_code(), errors: { code: m.mfa_wrong_code() } });
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const { db } = getRuntime();
	const user = locals.user!;
	const [mfa, secret, sessions] = await Promise.all([
		getMfaStatus(db, user.id),
		pendingEnrolmentSecret(db, user.id),
		listSessions(db, { userId: user.id, currentSessionId: locals.session!.id })
	]);
	return {
		mfa,
		enrolment: secret && !mfa.enabled ? { secret: formatSecret(secret), qr: totpQrSvg(totpUri(secret, user.email), m.mfa_qr_label()) } : null,
		sessions,
		recoveryCodeUsed: url.searchParams.has('herstelcode')
	};
};

export const actions: Actions = {
	start: async ({ locals }) => {
		const started = await startEnrolment(getRuntime().db, locals.user!.id);
		if (!started) return fail(400, { section: 'enrol' as const, message: m.mfa_already_on(), errors: {} });
		return { section: 'enrol' as const, started: true };
	},

	confirm: async ({ request, locals, getClientAddress }) => {
		const { db, throttle } = getRuntime();
		const user = locals.user!;
		const parsed = parseInput(CodeInput, formToObject(await request.formData()), m.mfa_code_required());
		if (!parsed.ok) return fail(400, { section: 'enrol' as const, message: parsed.message, errors: parsed.errors });
		const result = await confirmEnrolment(db, { actor: { id: user.id, name: user.name }, code: parsed.data.code, throttle: throttle.account, origin: getClientAddress() });
		if (!result.ok) return codeFailure('enrol', result);
		return { section: 'codes' as const, success: true, message: m.mfa_enabled_done(), recoveryCodes: result.recoveryCodes };
	},

	regenerate: async ({ locals, getClientAddress }) => {
		const user = locals.user!;
		const codes = await regenerateRecoveryCodes(getRuntime().db, { actor: { id: user.id, name: user.name }, origin: getClientAddress() });
		if (!codes) return fail(400, { section: 'enrol' as const, message: m.mfa_not_started(), errors: {} });
		return { section: 'codes' as const, success: true, message: m.mfa_codes_regenerated(), recoveryCodes: codes };
	},

	disable: async ({ request, locals, getClientAddress }) => {
		const { db, throttle } = getRuntime();
		const user = locals.user!;
		const parsed = parseInput(CodeInput, formToObject(await request.formData()), m.mfa_code_required());
		if (!parsed.ok) return fail(400, { section: 'disable' as const, message: parsed.message, errors: parsed.errors });
		const result = await disableMfa(db, { actor: { id: user.id, name: user.name }, code: parsed.data.code, throttle: throttle.account, origin: getClientAddress() });
		if (!result.ok) return codeFailure('disable', result);
		return { section: 'mfa' as const, success: true, message: m.mfa_disabled_done() };
	},

	revoke: async ({ request, locals, cookies, getClientAddress }) => {
		const { db, logger, recheckUser } = getRuntime();
		const user = locals.user!;
		const parsed = parseInput(RevokeInput, formToObject(await request.formData()), m.account_sessions_not_found());
		if (!parsed.ok) return fail(400, { section: 'sessions' as const, message: parsed.message, errors: {} });
		const result = await revokeSession(db, {
			actor: { id: user.id, name: user.name },
			handle: parsed.data.session,
			currentSessionId: locals.session!.id,
			origin: getClientAddress()
		});
		if (!result.ok) return fail(404, { section: 'sessions' as const, message: m.account_sessions_not_found(), errors: {} });
		recheckUser(user.id);
		logger.info({ event: 'session_revoked', user: user.id, current: result.current }, 'session revoked');
		if (result.current) {
			cookies.delete(SESSION_COOKIE, { path: '/' });
			redirect(303, '/login?uitgelogd');
		}
		return { section: 'sessions' as const, success: true, message: m.account_sessions_logged_out() };
	}
};

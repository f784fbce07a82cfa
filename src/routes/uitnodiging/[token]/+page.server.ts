import { error, fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { roleLabel } from '$lib/roles';
import { m } from '$lib/paraglide/messages';
import { passwordProblemMessage } from '$lib/password-messages';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/cookies';
import { formToObject, parseInput, type FieldErrors } from '$lib/server/forms';
import { acceptInvitation, findInvitation, type AcceptError, type InvitationState } from '$lib/server/invitation';
import { getRuntime } from '$lib/server/runtime';
import { createSession, generateSessionToken } from '$lib/server/session';
import { accountKey, addressKey, consumeAttempt, recordSuccess } from '$lib/server/throttle';
import type { Actions, PageServerLoad } from './$types';

/** Why a link does not work, as a Dutch page: 404 for a link that never was (or was replaced), 410 for one that is over. */
function closed(state: InvitationState): never {
	switch (state) {
		case 'expired':
			error(410, m.invite_state_expired());
		case 'withdrawn':
			error(410, m.invite_state_withdrawn());
		case 'used':
			error(410, m.invite_state_used());
		default:
			error(404, m.invite_state_unknown());
	}
}

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	// The token is in the URL: never cached, never sent on as Referer.
	setHeaders({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
	const found = await findInvitation(getRuntime().db, params.token);
	if (!found.ok) closed(found.state);
	const { invitation } = found;
	const role =
		invitation.role.role === 'municipal_editor'
			? m.members_role_municipal({ name: invitation.targetName ?? '' })
			: invitation.role.role === 'ambassador'
				? m.members_role_ambassador({ theme: invitation.targetName ?? '' })
				: roleLabel(invitation.role.role);
	return {
		invitation: {
			email: invitation.email,
			regionName: invitation.region.name,
			role: role.toLowerCase(),
			invitedBy: invitation.invitedBy,
			expiresAt: invitation.expiresAt,
			mode: invitation.mode,
			knownName: invitation.knownName
		}
	};
};

const NewAccount = v.object({
	name: v.pipe(v.string(() => m.invite_error_name()), v.trim(), v.minLength(1, () => m.invite_error_name()), v.maxLength(100, () => m.validation_too_long())),
	password: v.pipe(v.string(() => m.validation_password_required()), v.minLength(1, () => m.validation_password_required()), v.maxLength(1024, () => m.validation_too_long())),
	passwordRepeat: v.pipe(v.string(() => m.validation_password_required()), v.maxLength(1024, () => m.validation_too_long()))
});
const SignIn = v.object({
	password: v.pipe(v.string(() => m.validation_password_required()), v.minLength(1, () => m.validation_password_required()), v.maxLength(1024, () => m.validation_too_long()))
});

function acceptError(err: AcceptError): { status: number; message: string; field?: string } {
	switch (err) {
		case 'wrong_password':
			return { status: 400, message: m.invite_error_wrong_password(), field: 'password' };
		case 'deactivated':
			return { status: 403, message: m.invite_error_deactivated() };
		case 'mode_changed':
			return { status: 409, message: m.invite_error_mode_changed() };
		case 'weak_password':
			return { status: 400, message: m.validation_bad_input(), field: 'password' };
		case 'expired':
			return { status: 410, message: m.invite_state_expired() };
		case 'withdrawn':
			return { status: 410, message: m.invite_state_withdrawn() };
		case 'used':
			return { status: 410, message: m.invite_state_used() };
		default:
			return { status: 404, message: m.invite_state_unknown() };
	}
}

export const actions: Actions = {
	default: async (event) => {
		const { db, logger, sessionPolicy, throttle } = getRuntime();
		const found = await findInvitation(db, event.params.token);
		if (!found.ok) {
			const { status, message } = acceptError(found.state);
			logger.info({ event: 'invitation_refused', reason: found.state }, 'invitation refused');
			return fail(status, { message, errors: {} as FieldErrors, name: '' });
		}
		const form = formToObject(await event.request.formData());
		const origin = event.getClientAddress();
		let result;
		let name = '';
		if (found.invitation.mode === 'new') {
			const parsed = parseInput(NewAccount, form, m.validation_bad_input());
			if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors, name: typeof form.name === 'string' ? form.name.slice(0, 100) : '' });
			name = parsed.data.name;
			if (parsed.data.password !== parsed.data.passwordRepeat) {
				return fail(400, { message: m.invite_error_password_mismatch(), errors: { passwordRepeat: m.invite_error_password_mismatch() } as FieldErrors, name });
			}
			result = await acceptInvitation(db, event.params.token, { mode: 'new', name, password: parsed.data.password }, origin);
		} else {
			const parsed = parseInput(SignIn, form, m.validation_bad_input());
			if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors, name: '' });
			// Signing in here is a password check like the login page: throttled the same way.
			const keys = [
				{ key: accountKey(found.invitation.email), policy: throttle.account },
				{ key: addressKey(origin), policy: throttle.address }
			];
			const decision = await consumeAttempt(db, keys);
			if (!decision.allowed) {
				logger.warn({ event: 'invitation_sign_in_throttled' }, 'invitation sign-in throttled');
				return fail(429, { message: m.invite_throttled({ seconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) }), errors: {} as FieldErrors, name: '' });
			}
			result = await acceptInvitation(db, event.params.token, { mode: 'sign_in', password: parsed.data.password }, origin);
			if (result.ok) await recordSuccess(db, keys);
		}
		if (!result.ok) {
			logger.info({ event: 'invitation_refused', reason: result.error }, 'invitation refused');
			const { status, message, field } = acceptError(result.error);
			const text = result.error === 'weak_password' && result.problem ? passwordProblemMessage(result.problem) : message;
			return fail(status, { message: text, errors: (field ? { [field]: text } : {}) as FieldErrors, name });
		}
		const token = generateSessionToken();
		const session = await createSession(db, token, result.userId, sessionPolicy);
		await db.updateTable('users').set({ last_login_at: Date.now() }).where('id', '=', result.userId).execute();
		event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(event.url, session.expiresAt));
		getRuntime().recheckUser(result.userId);
		logger.info({ event: 'invitation_accepted', user: result.userId }, 'invitation accepted');
		redirect(303, `/regios/${result.regionSlug}`);
	}
};

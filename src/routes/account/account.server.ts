import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { changeName, getNotificationMode, NOTIFICATION_MODES, requestEmailChange, setNotificationMode } from '$lib/server/account';
import { formToObject, parseInput } from '$lib/server/forms';
import { sendQuietly } from '$lib/server/mail';
import { emailChangeMail } from '$lib/server/mail-templates-account';
import { getRuntime } from '$lib/server/runtime';
import { consumeAttempt } from '$lib/server/throttle';
import type { RequestEvent } from './$types';

/** The /account forms besides the password: name, e-mail address, notification preference. */

const NameInput = v.object({
	name: v.pipe(
		v.string(() => m.account_name_required()),
		v.trim(),
		v.minLength(1, () => m.account_name_required()),
		v.maxLength(120, () => m.validation_too_long())
	)
});

const EmailInput = v.object({
	email: v.pipe(
		v.string(() => m.validation_email()),
		v.trim(),
		v.maxLength(254, () => m.validation_too_long()),
		v.email(() => m.validation_email())
	)
});

const NotifyInput = v.object({ mode: v.picklist(NOTIFICATION_MODES, () => m.validation_bad_input()) });

/** Five confirmation mails an hour per account: the form cannot be used to mail-bomb an address. */
const EMAIL_CHANGE_POLICY = { freeFailures: 0, baseDelayMs: 0, maxDelayMs: 0, maxChecksPerHour: 5 };

export async function loadAccount(userId: string) {
	const { mailer } = getRuntime();
	return { notificationMode: await getNotificationMode(getRuntime().db, userId), mailEnabled: mailer.enabled };
}

export const accountActions = {
	name: async ({ request, locals }: RequestEvent) => {
		const { db, logger } = getRuntime();
		const user = locals.user!;
		const parsed = parseInput(NameInput, formToObject(await request.formData()), m.account_name_required());
		if (!parsed.ok) return fail(400, { section: 'name' as const, message: parsed.message, errors: parsed.errors });
		await changeName(db, { userId: user.id, name: parsed.data.name });
		logger.info({ event: 'name_changed', user: user.id }, 'name changed');
		return { section: 'name' as const, success: true, message: m.account_name_saved() };
	},

	email: async ({ request, locals, url, getClientAddress }: RequestEvent) => {
		const { db, logger, mailer, publicOrigin } = getRuntime();
		const user = locals.user!;
		const parsed = parseInput(EmailInput, formToObject(await request.formData()), m.validation_email());
		if (!parsed.ok) return fail(400, { section: 'email' as const, message: parsed.message, errors: parsed.errors });
		const decision = await consumeAttempt(db, [{ key: `email-change:${user.id}`, policy: EMAIL_CHANGE_POLICY }]);
		if (!decision.allowed) return fail(429, { section: 'email' as const, message: m.account_email_throttled(), errors: {} });
		const result = await requestEmailChange(db, { actor: { id: user.id, name: user.name }, newEmail: parsed.data.email, origin: getClientAddress() });
		if (!result.ok) {
			const message = result.problem === 'taken' ? m.account_email_taken() : m.account_email_same();
			return fail(400, { section: 'email' as const, message, errors: { email: message } });
		}
		const link = `${publicOrigin ?? url.origin}/e-mail-bevestigen/${result.token}`;
		await sendQuietly(mailer, emailChangeMail({ to: result.to, name: user.name, link, expiresAt: result.expiresAt }));
		logger.info({ event: 'email_change_requested', user: user.id }, 'e-mail change requested');
		return { section: 'email' as const, success: true, message: m.account_email_sent({ email: result.to }) };
	},

	notifications: async ({ request, locals }: RequestEvent) => {
		const { db } = getRuntime();
		const parsed = parseInput(NotifyInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { section: 'notifications' as const, message: parsed.message, errors: parsed.errors });
		await setNotificationMode(db, { userId: locals.user!.id, mode: parsed.data.mode });
		return { section: 'notifications' as const, success: true, message: m.account_notify_saved() };
	}
};

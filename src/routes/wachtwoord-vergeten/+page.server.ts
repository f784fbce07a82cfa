import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { formToObject, parseInput } from '$lib/server/forms';
import { sendQuietly } from '$lib/server/mail';
import { passwordResetMail } from '$lib/server/mail-templates-account';
import { requestPasswordReset } from '$lib/server/password-reset';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

const ResetRequest = v.object({
	email: v.pipe(
		v.string(() => m.validation_email()),
		v.trim(),
		v.maxLength(254, () => m.validation_too_long()),
		v.email(() => m.validation_email())
	)
});

export const load: PageServerLoad = ({ url }) => ({ changed: url.searchParams.has('gewijzigd') });

export const actions: Actions = {
	default: async (event) => {
		const { db, logger, mailer, publicOrigin } = getRuntime();
		const parsed = parseInput(ResetRequest, formToObject(await event.request.formData()), m.validation_email());
		if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors, email: '' });
		const { email } = parsed.data;
		const result = await requestPasswordReset(db, { email, origin: event.getClientAddress() });
		if (result.throttled) {
			logger.warn({ event: 'password_reset_throttled' }, 'password reset throttled');
			return fail(429, { message: m.reset_throttled({ minutes: Math.max(1, Math.ceil(result.retryAfterMs / 60_000)) }), errors: {}, email });
		}
		if (result.link) {
			const link = `${publicOrigin ?? event.url.origin}/wachtwoord-vergeten/${result.link.token}`;
			// Not awaited: a known address must not answer slower than an unknown one.
			void sendQuietly(mailer, passwordResetMail({ to: result.link.to, name: result.link.name, link, expiresAt: result.link.expiresAt }));
		}
		logger.info({ event: 'password_reset_requested' }, 'password reset requested');
		return { sent: true, message: m.reset_sent(), email };
	}
};

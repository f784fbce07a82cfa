import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { checkEmailChangeLink, confirmEmailChange } from '$lib/server/account';
import type { LinkProblem } from '$lib/server/account-token';
import { sendQuietly } from '$lib/server/mail';
import { emailChangedNotice } from '$lib/server/mail-templates-account';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

/**
 * The link mailed to a new address. Opening it changes nothing (mail
 * scanners follow links); the button does. It works without a session: the
 * link itself proves the person reads the new address.
 */
function linkMessage(problem: LinkProblem | 'taken'): string {
	if (problem === 'taken') return m.account_email_link_taken();
	return problem === 'used' ? m.reset_link_used() : problem === 'expired' ? m.reset_link_expired() : m.reset_link_unknown();
}

export const load: PageServerLoad = async ({ params }) => {
	const link = await checkEmailChangeLink(getRuntime().db, params.token);
	if (!link.ok) error(link.problem === 'unknown' ? 404 : 400, linkMessage(link.problem));
	return { newEmail: link.newEmail };
};

export const actions: Actions = {
	default: async ({ params, getClientAddress }) => {
		const { db, logger, mailer } = getRuntime();
		const done = await confirmEmailChange(db, { token: params.token, origin: getClientAddress() });
		if (!done.ok) return fail(done.problem === 'unknown' ? 404 : 400, { message: linkMessage(done.problem) });
		await sendQuietly(mailer, emailChangedNotice({ to: done.oldEmail, name: done.name, newEmail: done.newEmail }));
		logger.info({ event: 'email_changed', user: done.userId }, 'e-mail address changed');
		// Away from the link, which is used up now (this page's load would refuse it).
		redirect(303, '/e-mail-bevestigen/gewijzigd');
	}
};

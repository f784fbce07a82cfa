import { error, fail } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { unsubscribe, unsubscribeTarget } from '$lib/server/notification-mail';
import type { Actions, PageServerLoad } from './$types';

/**
 * The unsubscribe link in notification mails works without signing in. Opening
 * it only asks; the button does it (mail scanners that follow links must not
 * switch someone's mail off).
 */
export const load: PageServerLoad = async ({ params }) => {
	const target = await unsubscribeTarget(getRuntime().db, params.token);
	if (!target) error(404, 'Deze afmeldlink werkt niet (meer). Je kunt je e-mailinstellingen aanpassen op je accountpagina.');
	return { name: target.name };
};

export const actions: Actions = {
	default: async ({ params }) => {
		const { db, logger } = getRuntime();
		if (!(await unsubscribe(db, params.token))) return fail(404, { message: 'Deze afmeldlink werkt niet (meer).' });
		logger.info({ event: 'notification_mail_off' }, 'notification mail turned off by link');
		return { done: true };
	}
};

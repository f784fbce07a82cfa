import { redirect } from '@sveltejs/kit';
import { recordAudit } from '$lib/server/audit';
import { SESSION_COOKIE } from '$lib/server/cookies';
import { getRuntime } from '$lib/server/runtime';
import { invalidateSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies, getClientAddress }) => {
		const runtime = getRuntime();
		if (locals.session && locals.user) {
			const { session, user } = locals;
			await runtime.db.transaction().execute(async (trx) => {
				await invalidateSession(trx, session.id);
				await recordAudit(trx, { action: 'logout', actor: user, origin: getClientAddress() });
			});
			runtime.recheckUser(locals.user.id);
			runtime.logger.info({ event: 'logout', user: locals.user.id }, 'logout');
		}
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/login?uitgelogd');
	}
};

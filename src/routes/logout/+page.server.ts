import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$lib/server/cookies';
import { getRuntime } from '$lib/server/runtime';
import { invalidateSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies }) => {
		const runtime = getRuntime();
		if (locals.session && locals.user) {
			await invalidateSession(runtime.db, locals.session.id);
			runtime.recheckUser(locals.user.id);
			runtime.logger.info({ event: 'logout', user: locals.user.id }, 'logout');
		}
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/login?uitgelogd');
	}
};

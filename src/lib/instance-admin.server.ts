import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { isInstanceAdmin } from '$lib/server/region-admin';
import { getRuntime } from '$lib/server/runtime';

/** The signed-in instance admin, or a 403 page for everyone else (checked on the server, per request). */
export async function requireInstanceAdmin(locals: App.Locals): Promise<NonNullable<App.Locals['user']>> {
	const user = locals.user;
	if (!user) error(401, 'Je bent niet ingelogd.');
	if (!(await isInstanceAdmin(getRuntime().db, user.id))) error(403, m.admin_regions_error_forbidden());
	return user;
}

import { loadUserRoles } from '$lib/server/access';
import { getRuntime } from '$lib/server/runtime';
import { countInboxUnread } from '$lib/server/inbox';
import { isInstanceAdmin } from '$lib/server/region-admin';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, depends }) => {
	// the header's inbox count; the header follows it live, `kring:inbox` reloads it after marking read
	depends('kring:inbox');
	const user = locals.user;
	if (!user) return { user, unread: 0, instanceAdmin: false };
	const { db } = getRuntime();
	return {
		user,
		unread: await countInboxUnread(db, { id: user.id, roles: await loadUserRoles(db, user.id) }),
		// the header's link to /beheer/regios; the pages check the right themselves
		instanceAdmin: await isInstanceAdmin(db, user.id)
	};
};

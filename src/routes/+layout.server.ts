import { loadUserRoles } from '$lib/server/access';
import { getRuntime } from '$lib/server/runtime';
import { countInboxUnread } from '$lib/server/inbox';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, depends }) => {
	// the header's inbox count; the header follows it live, `kring:inbox` reloads it after marking read
	depends('kring:inbox');
	const user = locals.user;
	if (!user) return { user, unread: 0 };
	const { db } = getRuntime();
	return { user, unread: await countInboxUnread(db, { id: user.id, roles: await loadUserRoles(db, user.id) }) };
};

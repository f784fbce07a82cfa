import { json } from '@sveltejs/kit';
import { listCheckins } from '$lib/server/checkin';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

const ID = /^[a-z0-9]{1,40}$/;

/**
 * GET: the plan's ambassador check-ins, newest first —
 * `[{ themeId, author: { id, name }, createdAt, happened, next, help, statuses }]`,
 * `statuses` as `[{ actionId, actionTitle, status, previous }]`. `?theme=<id>`
 * narrows to one theme. Readers of the plan only; 404 otherwise.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const { user, roles } = await currentUser(locals);
	const theme = url.searchParams.get('theme');
	if (!ID.test(params.planId) || (theme !== null && !ID.test(theme))) notFound();
	const list = await listCheckins(getRuntime().db, { id: user.id, roles }, { planId: params.planId, themeId: theme ?? undefined });
	if (!list) notFound();
	return json(
		list.map((c) => ({
			id: c.id,
			themeId: c.themeId,
			themeTitle: c.themeTitle,
			author: c.author,
			createdAt: c.createdAt,
			happened: c.happened,
			next: c.next,
			help: c.help,
			statuses: c.statuses
		}))
	);
};

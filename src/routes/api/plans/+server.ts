import { json } from '@sveltejs/kit';
import { listPlans } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { currentUser } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** Plans the user can read. */
export const GET: RequestHandler = async ({ locals }) => {
	const { roles } = await currentUser(locals);
	const plans = await listPlans(getRuntime().db, roles);
	return json({ plans });
};

import { json } from '@sveltejs/kit';
import { canReadRegion } from '$lib/server/access';
import { municipalityDecisions } from '$lib/server/adoption';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** A gemeente's college decisions on the versions of its region's plans and its own (read-only JSON). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	if (!/^[a-z0-9]{1,40}$/.test(params.municipalityId)) notFound();
	const municipality = await db.selectFrom('municipalities').select(['id', 'region_id']).where('id', '=', params.municipalityId).executeTakeFirst();
	if (!municipality || !canReadRegion(roles, municipality.region_id)) notFound();
	return json({ decisions: await municipalityDecisions(db, municipality.id) });
};

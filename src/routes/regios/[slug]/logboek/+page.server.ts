import { parseAuditQuery } from '$lib/audit-filters';
import { loadLogbook, logbookRegion } from '$lib/audit-query.server';
import type { PageServerLoad } from './$types';

/** A region's logboek: its admins and the instance admin (403 for its other members, 404 for strangers). */
export const load: PageServerLoad = async ({ params, locals, url }) => {
	const { region } = await logbookRegion(locals, params.slug);
	return { region, log: await loadLogbook(region.id, parseAuditQuery(url)) };
};

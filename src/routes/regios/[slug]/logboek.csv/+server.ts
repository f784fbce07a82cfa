import { parseAuditQuery } from '$lib/audit-filters';
import { logbookCsv, logbookRegion } from '$lib/audit-query.server';
import { fileSlug } from '$lib/csv';
import type { RequestHandler } from './$types';

/** GET: the region's logboek with the page's filters as CSV; the download is itself logged. */
export const GET: RequestHandler = async ({ params, locals, url, getClientAddress }) => {
	const { region, user } = await logbookRegion(locals, params.slug);
	return logbookCsv({
		regionId: region.id,
		regionName: region.name,
		fileName: `logboek-${fileSlug(region.name)}`,
		query: parseAuditQuery(url),
		user,
		origin: getClientAddress()
	});
};

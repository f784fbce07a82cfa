import { parseAuditQuery } from '$lib/audit-filters';
import { logbookCsv, logbookInstance } from '$lib/audit-query.server';
import type { RequestHandler } from './$types';

/** GET: the whole installation's logboek with the page's filters as CSV; the download is itself logged. */
export const GET: RequestHandler = async ({ locals, url, getClientAddress }) => {
	const { user } = await logbookInstance(locals);
	return logbookCsv({ regionId: 'all', regionName: null, fileName: 'logboek-kring', query: parseAuditQuery(url), user, origin: getClientAddress() });
};

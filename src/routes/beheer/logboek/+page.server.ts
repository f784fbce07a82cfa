import { parseAuditQuery } from '$lib/audit-filters';
import { loadLogbook, logbookInstance } from '$lib/audit-query.server';
import type { PageServerLoad } from './$types';

/** The logboek of the whole installation: the instance admin only (403 for everyone else). */
export const load: PageServerLoad = async ({ locals, url }) => {
	await logbookInstance(locals);
	return { log: await loadLogbook('all', parseAuditQuery(url)) };
};

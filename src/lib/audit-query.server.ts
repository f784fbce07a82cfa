import { error } from '@sveltejs/kit';
import { AUDIT_QUERY_KEYS, type AuditQuery } from '$lib/audit-filters';
import { auditActionLabel, auditDetailText, auditObjectText, auditResultLabel } from '$lib/audit-labels';
import { CSV_TYPE } from '$lib/csv';
import { m } from '$lib/paraglide/messages';
import { currentUser, notFound } from '$lib/route-helpers.server';
import { canReadRegion } from '$lib/server/access';
import { auditCsv, listAuditActors, listAuditEvents, recordAudit } from '$lib/server/audit';
import { getRuntime } from '$lib/server/runtime';

/**
 * What the logboek pages and their CSV downloads share: who may read which log
 * (region admins their region's, the instance admin every region's and the
 * whole installation's), the filters in the URL, and the download itself.
 */

export const AUDIT_PAGE_SIZE = 50;
/** A download holds at most this many rows; a narrower filter gets the rest. */
const CSV_MAX_ROWS = 100_000;

export async function isInstanceAdmin(userId: string): Promise<boolean> {
	const row = await getRuntime().db.selectFrom('users').select('instance_admin').where('id', '=', userId).executeTakeFirst();
	return row?.instance_admin === 1;
}

/** The region of /regios/<slug>/logboek for its admins and the instance admin; 403 for its other members, 404 for everyone else. */
export async function logbookRegion(locals: App.Locals, slug: string) {
	const { db, logger } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const region = await db.selectFrom('regions').select(['id', 'slug', 'name']).where('slug', '=', slug).executeTakeFirst();
	const instanceAdmin = await isInstanceAdmin(user.id);
	if (!region || (!instanceAdmin && !canReadRegion(roles, region.id))) notFound();
	if (!instanceAdmin && roles.regionRoles.get(region.id) !== 'admin') {
		logger.warn({ event: 'audit_log_refused', user: user.id, region: region.id }, 'audit log refused');
		error(403, m.audit_refused());
	}
	return { user, region };
}

/** The signed-in instance admin, for /beheer/logboek; 403 for everyone else. */
export async function logbookInstance(locals: App.Locals) {
	const { user } = await currentUser(locals);
	if (!(await isInstanceAdmin(user.id))) {
		getRuntime().logger.warn({ event: 'audit_log_refused', user: user.id, region: 'all' }, 'audit log refused');
		error(403, m.audit_refused_instance());
	}
	return { user };
}

/** A page of the log with what the page's filters offer. */
export async function loadLogbook(regionId: string | 'all', query: AuditQuery) {
	const { db } = getRuntime();
	const [{ rows, total }, actors] = await Promise.all([
		listAuditEvents(db, { regionId, filters: query.filters, limit: AUDIT_PAGE_SIZE, offset: (query.page - 1) * AUDIT_PAGE_SIZE }),
		listAuditActors(db, { regionId })
	]);
	return {
		rows,
		total,
		actors,
		page: query.page,
		pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
		values: query.values,
		invalid: query.invalid
	};
}

/**
 * The filtered log as a CSV download; the download itself is an audit event
 * (who took the log away, and which part of it).
 */
export async function logbookCsv(input: {
	regionId: string | 'all';
	regionName: string | null;
	fileName: string;
	query: AuditQuery;
	user: { id: string; name: string };
	origin: string;
}): Promise<Response> {
	const { db } = getRuntime();
	if (input.query.invalid) return new Response(m.audit_filter_bad(), { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	const { rows } = await listAuditEvents(db, { regionId: input.regionId, filters: input.query.filters, limit: CSV_MAX_ROWS, offset: 0 });
	const csv = auditCsv(
		rows,
		{
			header: {
				time: m.audit_col_time_csv(),
				actor: m.audit_col_actor(),
				action: m.audit_col_action(),
				object: m.audit_col_object(),
				result: m.audit_col_result(),
				origin: m.audit_col_origin(),
				region: m.audit_col_region(),
				detail: m.audit_col_detail()
			},
			action: auditActionLabel,
			object: auditObjectText,
			result: auditResultLabel,
			detail: (row) => auditDetailText(row.detail),
			unknownActor: m.audit_actor_unknown()
		},
		{ withRegion: input.regionId === 'all' }
	);
	const filter = AUDIT_QUERY_KEYS.filter((k) => k !== 'pagina' && input.query.values[k])
		.map((k) => `${k}=${input.query.values[k]}`)
		.join(', ');
	await recordAudit(db, {
		action: 'export.downloaded',
		actor: input.user,
		regionId: input.regionId === 'all' ? null : input.regionId,
		object: { type: 'audit_log', id: input.regionId === 'all' ? null : input.regionId, label: input.regionName },
		origin: input.origin,
		detail: { file: `${input.fileName}.csv`, rows: rows.length, ...(filter ? { filter } : {}) }
	});
	return new Response(csv, {
		headers: {
			'Content-Type': CSV_TYPE,
			'Content-Disposition': `attachment; filename="${input.fileName}.csv"`,
			'Cache-Control': 'private, no-store'
		}
	});
}

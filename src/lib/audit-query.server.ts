import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { auditActionLabel, auditDetailText, auditObjectText, auditResultLabel } from '$lib/audit-labels';
import { CSV_TYPE } from '$lib/csv';
import { m } from '$lib/paraglide/messages';
import { currentUser, notFound } from '$lib/route-helpers.server';
import { canReadRegion } from '$lib/server/access';
import { auditCsv, listAuditActors, listAuditEvents, recordAudit, type AuditFilters } from '$lib/server/audit';
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

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
const QuerySchema = v.object({
	actie: v.optional(v.pipe(v.string(), v.regex(/^[a-z_]{1,40}(\.[a-z_]{1,40})?$/))),
	persoon: v.optional(Id),
	van: v.optional(v.pipe(v.string(), v.regex(DATE), v.check(isRealDate))),
	tot: v.optional(v.pipe(v.string(), v.regex(DATE), v.check(isRealDate))),
	resultaat: v.optional(v.picklist(['geslaagd', 'mislukt'])),
	pagina: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,5}$/), v.transform(Number)))
});
const KEYS = ['actie', 'persoon', 'van', 'tot', 'resultaat', 'pagina'] as const;

function isRealDate(value: string): boolean {
	const [, y, mo, d] = DATE.exec(value) ?? [];
	const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
	return Number(y) >= 2000 && Number(y) <= 2100 && date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(d);
}

const amsterdam = new Intl.DateTimeFormat('en-US', {
	timeZone: 'Europe/Amsterdam',
	hourCycle: 'h23',
	year: 'numeric',
	month: 'numeric',
	day: 'numeric',
	hour: 'numeric',
	minute: 'numeric',
	second: 'numeric'
});

/** How far Amsterdam's clock is ahead of UTC at that moment, in ms. */
function amsterdamOffset(ms: number): number {
	const p = Object.fromEntries(amsterdam.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
	return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - Math.floor(ms / 1000) * 1000;
}

/** Midnight at the start of a date ('2026-03-29') in Dutch time, as ms since the epoch; `days` later for the end of a period. */
export function amsterdamMidnight(date: string, days = 0): number {
	const [, y, mo, d] = DATE.exec(date) ?? [];
	const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d) + days);
	const first = wall - amsterdamOffset(wall);
	// across a change to or from summer time the offset at the result differs from the guess
	return wall - amsterdamOffset(first);
}

export interface AuditQuery {
	filters: AuditFilters;
	page: number;
	/** the filters as typed, to fill the form again */
	values: Record<(typeof KEYS)[number], string>;
	/** set when a filter was malformed and left out */
	invalid: boolean;
}

/** The logboek's filters from the URL (?actie=&persoon=&van=&tot=&resultaat=&pagina=); a malformed one is left out, never a 500. */
export function parseAuditQuery(url: URL): AuditQuery {
	const values = Object.fromEntries(KEYS.map((k) => [k, url.searchParams.get(k)?.trim() ?? ''])) as AuditQuery['values'];
	const filters: AuditFilters = {};
	let page = 1;
	let invalid = false;
	for (const key of KEYS) {
		const raw = values[key];
		if (!raw) continue;
		const parsed = v.safeParse(QuerySchema, { [key]: raw });
		if (!parsed.success) {
			invalid = true;
			values[key] = '';
			continue;
		}
		const out = parsed.output;
		if (out.actie) filters.action = out.actie;
		if (out.persoon) filters.actorId = out.persoon;
		if (out.van) filters.from = amsterdamMidnight(out.van);
		if (out.tot) filters.to = amsterdamMidnight(out.tot, 1);
		if (out.resultaat) filters.result = out.resultaat === 'mislukt' ? 'failure' : 'success';
		if (out.pagina) page = out.pagina;
	}
	return { filters, page, values, invalid };
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
	const filter = KEYS.filter((k) => k !== 'pagina' && input.query.values[k])
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

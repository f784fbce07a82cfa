import * as v from 'valibot';
import type { AuditFilters } from '$lib/server/audit';

/**
 * The logboek's filters as they travel in the URL
 * (?actie=&persoon=&van=&tot=&resultaat=&pagina=), shared by the pages and
 * their CSV downloads. Dates are whole days in Dutch time, whatever zone the
 * server runs in: "van" from its midnight, "tot" up to and including its day.
 */

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
export const AUDIT_QUERY_KEYS = ['actie', 'persoon', 'van', 'tot', 'resultaat', 'pagina'] as const;

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
	values: Record<(typeof AUDIT_QUERY_KEYS)[number], string>;
	/** set when a filter was malformed and left out */
	invalid: boolean;
}

/** The logboek's filters from the URL (?actie=&persoon=&van=&tot=&resultaat=&pagina=); a malformed one is left out, never a 500. */
export function parseAuditQuery(url: URL): AuditQuery {
	const values = Object.fromEntries(AUDIT_QUERY_KEYS.map((k) => [k, url.searchParams.get(k)?.trim() ?? ''])) as AuditQuery['values'];
	const filters: AuditFilters = {};
	let page = 1;
	let invalid = false;
	for (const key of AUDIT_QUERY_KEYS) {
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

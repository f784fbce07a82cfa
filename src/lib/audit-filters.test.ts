import { describe, expect, it } from 'vitest';
import { amsterdamMidnight, parseAuditQuery } from './audit-filters.ts';

const url = (query: string) => new URL(`http://kring.test/regios/noord/logboek?${query}`);

describe('the logboek filters in the URL', () => {
	it('reads kind, person, result and page', () => {
		const q = parseAuditQuery(url('actie=login&persoon=abc123&resultaat=mislukt&pagina=3'));
		expect(q.filters).toEqual({ action: 'login', actorId: 'abc123', result: 'failure' });
		expect(q.page).toBe(3);
		expect(q.invalid).toBe(false);
	});

	it('takes dates as whole days in Dutch time, "tot" up to and including its day', () => {
		const q = parseAuditQuery(url('van=2026-07-01&tot=2026-07-01'));
		expect(q.filters.from).toBe(Date.UTC(2026, 5, 30, 22)); // CEST: UTC+2
		expect(q.filters.to).toBe(Date.UTC(2026, 6, 1, 22));
		const winter = parseAuditQuery(url('van=2026-01-15'));
		expect(winter.filters.from).toBe(Date.UTC(2026, 0, 14, 23)); // CET: UTC+1
	});

	it('gets the days right around the changes to and from summer time', () => {
		// 29 March 2026: clocks go from 02:00 to 03:00; the day still starts at 00:00 CET
		expect(amsterdamMidnight('2026-03-29')).toBe(Date.UTC(2026, 2, 28, 23));
		expect(amsterdamMidnight('2026-03-29', 1)).toBe(Date.UTC(2026, 2, 29, 22));
		// 25 October 2026: back from 03:00 to 02:00
		expect(amsterdamMidnight('2026-10-25')).toBe(Date.UTC(2026, 9, 24, 22));
		expect(amsterdamMidnight('2026-10-25', 1)).toBe(Date.UTC(2026, 9, 25, 23));
	});

	it('leaves out a malformed filter, says so, and keeps the good ones', () => {
		for (const bad of ['van=2026-02-31', 'tot=gisteren', 'resultaat=misschien', 'actie=LOGIN', "actie=login'--", 'persoon=a%20b', 'pagina=0', 'pagina=-1', 'van=1999-12-31']) {
			const q = parseAuditQuery(url(`${bad}&actie=export`));
			expect(q.invalid, bad).toBe(true);
			expect(q.filters, bad).toEqual(bad.startsWith('actie') ? {} : { action: 'export' });
		}
		const q = parseAuditQuery(url('van=2026-02-31'));
		expect(q.values.van).toBe('');
		expect(q.page).toBe(1);
	});

	it('ignores empty fields (an untouched form)', () => {
		const q = parseAuditQuery(url('actie=&persoon=&van=&tot=&resultaat='));
		expect(q).toMatchObject({ filters: {}, page: 1, invalid: false });
	});
});

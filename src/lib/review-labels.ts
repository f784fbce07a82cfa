import { m } from '$lib/paraglide/messages';

export const VERDICT_KEYS = ['keep', 'strengthen', 'renew', 'drop'] as const;

/** Dutch label of a verdict (vasthouden, versterken, vernieuwen, verlaten); null is "besluit later". */
export function verdictLabel(verdict: string | null): string {
	switch (verdict) {
		case 'keep':
			return m.review_verdict_keep();
		case 'strengthen':
			return m.review_verdict_strengthen();
		case 'renew':
			return m.review_verdict_renew();
		case 'drop':
			return m.review_verdict_drop();
		default:
			return m.review_later();
	}
}

export function cycleStatusLabel(status: string): string {
	if (status === 'open') return m.review_status_open();
	if (status === 'closed') return m.review_status_closed();
	return m.review_status_draft();
}

/** 'YYYY-MM-DD' of an <input type="date"> → noon UTC that day, so every Dutch time zone shows the same date. */
export function dateInputToMs(value: string): number | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!match) return null;
	const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12);
	const d = new Date(ms);
	return d.getUTCDate() === Number(match[3]) ? ms : null;
}

import { m } from '$lib/paraglide/messages';

/**
 * What a person types into a number field of the action card, read the way a
 * Dutch policy officer writes it: "155.000", "€ 155.000", "155000" and
 * "155.000,00" are all 155000 euros. The data model keeps whole euros
 * (actions.cost_amount), so an amount with cents is refused with a message,
 * never rounded behind the person's back. A parse either gives the value to
 * store or the Dutch message to show beside the field, and stores nothing.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const MAX_EURO = 1e12;

/** Spaces (also non-breaking and narrow), the euro sign and a trailing ",-" or ",–" are decoration. */
function stripEuro(text: string): string {
	return text
		.replace(/[\s\u00a0\u202f€]/g, '')
		.replace(/^eur(o)?|eur(o)?$/gi, '')
		.replace(/,[-–—]$/, '');
}

/** Whole euros; an empty field clears the amount (null). */
export function parseEuro(text: string): Parsed<number | null> {
	const t = stripEuro(text);
	if (t === '') return { ok: true, value: null };
	if (/^-/.test(t)) return { ok: false, message: m.card_cost_negative() };
	// 155000 or 155.000 (dots group thousands), optionally with ,00 or ,50 cents
	const match = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/.exec(t);
	if (!match) {
		// "12.5", "12,500", "1.50": a decimal point or a thousands comma — which one is meant cannot be told
		if (/^[\d.,]+$/.test(t) && /\d/.test(t)) return { ok: false, message: m.card_cost_ambiguous() };
		return { ok: false, message: m.action_cost_invalid() };
	}
	const euros = Number(match[1].replace(/\./g, ''));
	const cents = match[2] ? Number(match[2].padEnd(2, '0')) : 0;
	if (!Number.isSafeInteger(euros) || euros > MAX_EURO) return { ok: false, message: m.card_cost_too_large() };
	if (cents !== 0) return { ok: false, message: m.card_cost_cents({ euros: formatWholeEuros(euros) }) };
	return { ok: true, value: euros };
}

const grouped = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 0 });

/** 155000 → "155.000" (as the cost field shows a stored amount) */
export function formatWholeEuros(value: number): string {
	return grouped.format(value);
}

/** Progress is a whole percentage, 0 to 100; "40", "40%" and "40 %" are 40. */
export function parseProgress(text: string): Parsed<number> {
	const t = text.replace(/[\s\u00a0\u202f]/g, '').replace(/%$/, '');
	if (t === '') return { ok: false, message: m.card_progress_invalid() };
	if (/^-?\d+([.,]\d+)?$/.test(t)) {
		const n = Number(t.replace(',', '.'));
		if (n < 0 || n > 100) return { ok: false, message: m.card_progress_range({ value: t }) };
		if (!Number.isInteger(n)) return { ok: false, message: m.card_progress_whole() };
		return { ok: true, value: n };
	}
	return { ok: false, message: m.card_progress_invalid() };
}

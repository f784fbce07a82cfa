/** Dutch formatting of dates and amounts, always through Intl for nl-NL. */
const euro = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const monthYear = new Intl.DateTimeFormat('nl-NL', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const longDate = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' });

export function formatEuro(amount: number | null | undefined): string {
	return amount === null || amount === undefined ? '' : euro.format(amount);
}

/** '2024-02' → 'feb 2024'; 'ongoing' → 'doorlopend'. */
export function formatMonth(value: string | null | undefined, ongoingLabel = 'doorlopend'): string {
	if (!value) return '';
	if (value === 'ongoing') return ongoingLabel;
	const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value);
	if (!match) return '';
	return monthYear.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1))).replace('.', '');
}

export function formatPlanning(start: string | null, end: string | null): string {
	const a = formatMonth(start);
	const b = formatMonth(end);
	if (a && b) return `${a} – ${b}`;
	return a || b;
}

export function formatDate(ms: number): string {
	return longDate.format(new Date(ms));
}

const dateTime = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });

/** 1 732 000 000 000 → '19 november 2024 om 08:06' */
export function formatDateTime(ms: number): string {
	return dateTime.format(new Date(ms));
}

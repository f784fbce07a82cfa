import type { Status } from '../action-doc.ts';

/**
 * The words and number formats the document exports print. Domain code does
 * not import the message catalogue; the routes pass these in (built from it in
 * src/lib/export-words.ts), so the same renderer serves any language.
 */
export interface ExportWords {
	contents: string;
	intro: string;
	period: (start: number, end: number) => string;
	adoptedOn: (date: string) => string;
	versionLabel: (label: string) => string;
	region: (name: string) => string;
	municipality: (name: string) => string;
	ambassadors: string;
	regionalActions: string;
	localActions: string;
	action: string;
	planning: string;
	cost: string;
	funding: string;
	status: string;
	lead: string;
	municipalityLabel: string;
	progress: string;
	ongoing: string;
	page: string;
	noActions: string;
	statusLabel: (status: Status | string) => string;
}

const money = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0, minimumFractionDigits: 0 });
const monthYear = new Intl.DateTimeFormat('nl-NL', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const day = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' });

/** `€ 155.000` (Dutch grouping; a plain space, so Word and the PDF never break oddly). */
export function formatEuro(amount: number): string {
	return money.format(amount).replace(/\u00a0/g, ' ');
}

/** 'YYYY-MM' as a Date (first of the month, UTC), for spreadsheets. */
export function monthDate(value: string | null): Date | null {
	if (!value || !/^\d{4}-\d{2}$/.test(value)) return null;
	const [y, m] = value.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, 1));
}

/** 'YYYY-MM' as "maart 2024"; 'ongoing' as the word for it. */
export function formatMonth(value: string | null, words: Pick<ExportWords, 'ongoing'>): string {
	if (value === 'ongoing') return words.ongoing;
	const date = monthDate(value);
	return date ? monthYear.format(date) : '';
}

/** "maart 2024 – december 2025", or one side, or ''. */
export function formatPlanning(start: string | null, end: string | null, words: Pick<ExportWords, 'ongoing'>): string {
	const a = formatMonth(start, words);
	const b = formatMonth(end, words);
	return a && b ? `${a} – ${b}` : a || b;
}

export function formatDay(timestamp: number): string {
	return day.format(new Date(timestamp));
}

/** The cover's and the file's title of a theme: its number before its title, as the plan page shows it. */
export function themeHeading(theme: { number: string | null; title: string }): string {
	return theme.number ? `${theme.number} ${theme.title}` : theme.title;
}

/**
 * Paragraph style names the DOCX export gives an action inside a column, a
 * field's label and a fact ("Planning: …"), so the Word import reads Kring's
 * own documents back exactly (word-import.ts maps them with mammoth).
 */
export const COLUMN_STYLES = { action: 'Actie', field: 'Actieveld', fact: 'Actiegegeven' } as const;

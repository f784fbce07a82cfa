/**
 * CSV as Dutch spreadsheets open it: a UTF-8 byte-order mark (so Excel reads
 * the accents right), semicolons between cells (the comma is the decimal
 * sign here), CRLF line ends, and every cell quoted when it needs to be.
 * A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR)
 * gets a leading apostrophe: plan texts come from many hands.
 */
export const CSV_TYPE = 'text/csv; charset=utf-8';

export function csvCell(value: string | number | null | undefined): string {
	if (value === null || value === undefined) return '';
	let text = typeof value === 'number' ? String(value).replace('.', ',') : value;
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[";\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
	return '\uFEFF' + rows.map((row) => row.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

/** A file name from a title: lower case, letters and digits, dashes between. */
export function fileSlug(title: string): string {
	const slug = title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 80);
	return slug || 'plan';
}

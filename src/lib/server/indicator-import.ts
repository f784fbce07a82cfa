/**
 * Indicator figures from a CSV file: place, year, value — as a CBS StatLine or a
 * Veilig Thuis export gives them. Pure functions, no database: the route reads
 * the file, builds the places the plan knows, shows the preview and saves the
 * rows without an error.
 *
 *  - Separator: `;` (Dutch Excel, StatLine), `,` or a tab, whichever the header
 *    line has most of outside quotes. Quotes as RFC 4180 ("" inside a quoted cell).
 *  - Header: the first line with at least three filled cells; title lines above it
 *    (StatLine puts the table's name there) and lines with fewer than two filled
 *    cells after it (a "Bron: CBS" footer) are skipped.
 *  - Columns: guessed from the header words (Regio's, Gemeente, Perioden, Jaar,
 *    Waarde, Aantal …), and the person can choose others in the preview.
 *  - Numbers in Dutch: "1.234", "1.234,5", "12,5", "€ 1.200"; "12.5" is read as 12,5
 *    (a dot followed by other than three digits is no thousands separator).
 *  - Years: "2021", "2021JJ00" (StatLine's code) and "2021*" (provisional).
 */

export const IMPORT_MAX_CHARS = 1_000_000;
export const IMPORT_MAX_ROWS = 5000;

export type Separator = ';' | ',' | '\t';

export interface CsvTable {
	separator: Separator;
	headers: string[];
	/** line: the line number in the file (1-based), for messages */
	rows: { line: number; cells: string[] }[];
}

export type CsvError = 'empty' | 'too_large' | 'too_many_rows' | 'no_header';

/** Splits CSV text into records of cells, honouring quotes; each record with the line it starts on. */
function records(text: string, separator: Separator): { line: number; cells: string[] }[] {
	const out: { line: number; cells: string[] }[] = [];
	let cells: string[] = [];
	let cell = '';
	let quoted = false;
	let line = 1;
	let start = 1;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"') {
				if (text[i + 1] === '"') {
					cell += '"';
					i++;
				} else quoted = false;
			} else {
				if (ch === '\n') line++;
				cell += ch;
			}
		} else if (ch === '"' && cell.trim() === '') {
			cell = '';
			quoted = true;
		} else if (ch === separator) {
			cells.push(cell);
			cell = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			cells.push(cell);
			out.push({ line: start, cells });
			cells = [];
			cell = '';
			line++;
			start = line;
		} else cell += ch;
	}
	if (cell !== '' || cells.length) {
		cells.push(cell);
		out.push({ line: start, cells });
	}
	return out.map((r) => ({ line: r.line, cells: r.cells.map((c) => c.trim()) }));
}

function countOutsideQuotes(line: string, ch: string): number {
	let n = 0;
	let quoted = false;
	for (const c of line) {
		if (c === '"') quoted = !quoted;
		else if (c === ch && !quoted) n++;
	}
	return n;
}

const filled = (cells: string[]) => cells.filter((c) => c !== '').length;

export function parseCsv(input: string): { ok: true; table: CsvTable } | { ok: false; error: CsvError } {
	if (input.length > IMPORT_MAX_CHARS) return { ok: false, error: 'too_large' };
	const text = input.replace(/^\uFEFF/, '');
	const lines = text.split(/\r\n|\n|\r/);
	if (!lines.some((l) => l.trim() !== '')) return { ok: false, error: 'empty' };
	// the separator the header has most of; the header is the line with the most separators among the first ten
	const candidates: Separator[] = [';', ',', '\t'];
	let separator: Separator = ';';
	let best = 0;
	for (const l of lines.slice(0, 10)) {
		for (const s of candidates) {
			const n = countOutsideQuotes(l, s);
			if (n > best) {
				best = n;
				separator = s;
			}
		}
	}
	const all = records(text, separator);
	const headerAt = all.findIndex((r) => filled(r.cells) >= 3);
	if (headerAt < 0) return { ok: false, error: 'no_header' };
	const rows = all.slice(headerAt + 1).filter((r) => filled(r.cells) >= 2);
	if (rows.length > IMPORT_MAX_ROWS) return { ok: false, error: 'too_many_rows' };
	return { ok: true, table: { separator, headers: all[headerAt].cells, rows } };
}

export interface ColumnMapping {
	place: number;
	year: number;
	value: number;
}

const fold = (s: string) =>
	s
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLocaleLowerCase('nl')
		.replace(/\s+/g, ' ')
		.trim();

/** The columns the header words point at; -1 where nothing fits. Place, year and value are never the same column. */
export function guessMapping(headers: string[]): ColumnMapping {
	const h = headers.map(fold);
	const find = (re: RegExp, taken: number[]) => h.findIndex((x, i) => !taken.includes(i) && re.test(x));
	const place = find(/regio|gemeente|plaats|wijk|gebied|place|locatie/, []);
	const year = find(/jaar|periode|year/, [place]);
	let value = find(/waarde|aantal|value|totaal|meldingen|cijfer|percentage|%/, [place, year]);
	if (value < 0) value = h.findIndex((_, i) => i !== place && i !== year);
	return { place, year, value };
}

/** A Dutch number as people and exports write it; null when it is none (also StatLine's "." for no figure). */
export function parseDutchNumber(input: string): number | null {
	let s = input.replace(/[\s\u00a0\u202f€]/g, '').replace(/%$/, '');
	if (!s || !/\d/.test(s)) return null;
	const negative = /^[-−]/.test(s);
	s = s.replace(/^[-−+]/, '');
	if (s.includes(',') && s.includes('.')) {
		// the one that comes last is the decimal mark
		s = s.lastIndexOf(',') > s.lastIndexOf('.') ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
	} else if (s.includes(',')) {
		if ((s.match(/,/g) ?? []).length > 1) return null;
		s = s.replace(',', '.');
	} else if (/^\d{1,3}(\.\d{3})+$/.test(s)) {
		s = s.replace(/\./g, '');
	}
	if (!/^\d+(\.\d+)?$/.test(s)) return null;
	const n = Number(s);
	if (!Number.isFinite(n) || n >= 1e12) return null;
	return negative ? -n : n;
}

/** A year from "2021", "2021JJ00" or "2021*"; null outside 1990–2100 or when it is none. */
export function parseYear(input: string): number | null {
	const match = /^(\d{4})(?:JJ00|\*|\s*\(.*\))?$/i.exec(input.trim());
	if (!match) return null;
	const year = Number(match[1]);
	return year >= 1990 && year <= 2100 ? year : null;
}

/** A place the plan knows: its key ('' whole region, 'gemeente:<id>', 'deel:<name>'), label and the names a file may use. */
export interface PlaceOption {
	key: string;
	label: string;
	names: string[];
}

/** What a file may call a place: "Gemeente Arnhem", "Arnhem (Gld.)", "GM0202", "arnhem" are all Arnhem. */
export function placeAliases(name: string): string[] {
	const base = fold(name);
	return [base, `gemeente ${base}`, `gem. ${base}`];
}

const normalisePlace = (s: string) =>
	fold(s)
		.replace(/\s*\([^)]*\)\s*$/, '')
		.replace(/^(gemeente|gem\.)\s+/, '')
		.trim();

export type RowError = 'place_missing' | 'place_unknown' | 'place_not_of_indicator' | 'year_bad' | 'value_missing' | 'value_bad' | 'duplicate';

export interface PreviewRow {
	line: number;
	placeText: string;
	yearText: string;
	valueText: string;
	place: { key: string; label: string } | null;
	year: number | null;
	value: number | null;
	error: RowError | null;
	/** the figure there is now for this place and year, which this row replaces */
	replaces: number | null;
}

export interface PreviewOptions {
	places: PlaceOption[];
	/** the indicator's own places; null or empty: any place of the plan */
	allowed: string[] | null;
	/** `${placeKey}|${year}` → the figure there is now */
	existing: Map<string, number>;
}

export function previewRows(table: CsvTable, mapping: ColumnMapping, options: PreviewOptions): PreviewRow[] {
	const byName = new Map<string, PlaceOption>();
	for (const p of options.places) {
		for (const n of p.names) {
			const key = fold(n);
			if (!byName.has(key)) byName.set(key, p);
			const bare = normalisePlace(n);
			if (!byName.has(bare)) byName.set(bare, p);
		}
	}
	const allowed = options.allowed && options.allowed.length ? new Set(options.allowed) : null;
	const seen = new Set<string>();
	return table.rows.map(({ line, cells }) => {
		const placeText = cells[mapping.place] ?? '';
		const yearText = cells[mapping.year] ?? '';
		const valueText = cells[mapping.value] ?? '';
		const found = placeText ? (byName.get(fold(placeText)) ?? byName.get(normalisePlace(placeText)) ?? null) : null;
		const place = found ? { key: found.key, label: found.label } : null;
		const year = parseYear(yearText);
		const value = parseDutchNumber(valueText);
		let error: RowError | null = null;
		if (!placeText) error = 'place_missing';
		else if (!place) error = 'place_unknown';
		else if (allowed && !allowed.has(place.key)) error = 'place_not_of_indicator';
		else if (year === null) error = 'year_bad';
		else if (!valueText || /^[.\-–—x?]$/i.test(valueText)) error = 'value_missing';
		else if (value === null) error = 'value_bad';
		else if (seen.has(`${place.key}|${year}`)) error = 'duplicate';
		if (!error && place && year !== null) seen.add(`${place.key}|${year}`);
		const replaces = !error && place && year !== null ? (options.existing.get(`${place.key}|${year}`) ?? null) : null;
		return { line, placeText, yearText, valueText, place, year, value: error ? null : value, error, replaces };
	});
}

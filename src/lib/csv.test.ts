import { describe, expect, it } from 'vitest';
import { csvCell, fileSlug, toCsv } from './csv.ts';

describe('CSV for Dutch spreadsheets', () => {
	it('starts with a byte-order mark and separates cells with semicolons, lines with CRLF', () => {
		expect(toCsv([['a', 'b'], ['c', 'd']])).toBe('\uFEFFa;b\r\nc;d\r\n');
	});

	it('quotes cells with a semicolon, quote or line break, doubling quotes', () => {
		expect(csvCell('Veilig Thuis; GGD')).toBe('"Veilig Thuis; GGD"');
		expect(csvCell('de "meldcode"')).toBe('"de ""meldcode"""');
		expect(csvCell('regel 1\nregel 2')).toBe('"regel 1\nregel 2"');
	});

	it('writes numbers with a decimal comma and empty cells for nothing', () => {
		expect(csvCell(155000)).toBe('155000');
		expect(csvCell(12.5)).toBe('12,5');
		expect(csvCell(null)).toBe('');
	});

	it('defuses text a spreadsheet would run as a formula', () => {
		for (const attack of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)']) expect(csvCell(attack).replace(/^"/, '')).toMatch(/^'/);
		expect(csvCell(-5)).toBe('-5');
	});

	it('makes a file name from a Dutch title', () => {
		expect(fileSlug('Samen tegen huiselijk geweld — Uitvoeringsagenda 2024-2028')).toBe('samen-tegen-huiselijk-geweld-uitvoeringsagenda-2024-2028');
		expect(fileSlug('Eén café')).toBe('een-cafe');
		expect(fileSlug('—')).toBe('plan');
	});
});

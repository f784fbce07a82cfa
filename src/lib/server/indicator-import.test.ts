import { describe, expect, it } from 'vitest';
import { guessMapping, parseCsv, parseDutchNumber, parseYear, placeAliases, previewRows, type PlaceOption } from './indicator-import.ts';

const places: PlaceOption[] = [
	{ key: '', label: 'Hele regio', names: ['Hele regio', 'Regio Arnhem-Achterhoek', 'Totaal'] },
	{ key: 'gemeente:arn', label: 'Arnhem', names: [...placeAliases('Arnhem'), 'GM0202'] },
	{ key: 'gemeente:rhe', label: 'Rheden', names: placeAliases('Rheden') },
	{ key: 'deel:Achterhoek', label: 'Achterhoek', names: ['Achterhoek'] }
];
const table = (text: string) => {
	const parsed = parseCsv(text);
	if (!parsed.ok) throw new Error(parsed.error);
	return parsed.table;
};

describe('CSV of indicator figures', () => {
	it('reads a StatLine export: title lines, ; separator, quotes, year codes, Dutch numbers and a footer', () => {
		const t = table(
			'\uFEFF"Huiselijk geweld; meldingen Veilig Thuis"\r\n"Regio\'s";"Perioden";"Meldingen (aantal)"\r\n"Arnhem";"2022";"1.234"\r\n"Rheden";"2023*";"56,5"\r\n"Bron: CBS"\r\n'
		);
		expect(t.separator).toBe(';');
		expect(t.headers).toEqual(["Regio's", 'Perioden', 'Meldingen (aantal)']);
		expect(t.rows.map((r) => r.cells)).toEqual([
			['Arnhem', '2022', '1.234'],
			['Rheden', '2023*', '56,5']
		]);
		expect(t.rows[0].line).toBe(3);
		expect(guessMapping(t.headers)).toEqual({ place: 0, year: 1, value: 2 });
	});

	it('reads a comma-separated file with a quoted decimal comma and a cell with the separator in it', () => {
		const t = table('Gemeente,Jaar,Aantal meldingen\n"Gemeente Arnhem",2021,"12,5"\n"Achterhoek, deel",2021,3\n');
		expect(t.separator).toBe(',');
		expect(t.rows.map((r) => r.cells)).toEqual([
			['Gemeente Arnhem', '2021', '12,5'],
			['Achterhoek, deel', '2021', '3']
		]);
	});

	it('reads a tab-separated file and guesses columns in another order', () => {
		const t = table('Jaar\tWaarde\tPlaats\n2020\t7\tArnhem\n');
		expect(t.separator).toBe('\t');
		expect(guessMapping(t.headers)).toEqual({ place: 2, year: 0, value: 1 });
	});

	it('refuses an empty file, a file without a header line and one that is too long', () => {
		expect(parseCsv('  \n\n')).toEqual({ ok: false, error: 'empty' });
		expect(parseCsv('alleen;twee\n')).toEqual({ ok: false, error: 'no_header' });
		expect(parseCsv('a;b;c\n' + '1;2;3\n'.repeat(6000))).toEqual({ ok: false, error: 'too_many_rows' });
		expect(parseCsv('x'.repeat(1_000_001))).toEqual({ ok: false, error: 'too_large' });
	});

	it('reads Dutch numbers and years', () => {
		expect(parseDutchNumber('1.234')).toBe(1234);
		expect(parseDutchNumber('1.234,5')).toBe(1234.5);
		expect(parseDutchNumber('12,5')).toBe(12.5);
		expect(parseDutchNumber('12.5')).toBe(12.5);
		expect(parseDutchNumber('€ 1.200.000')).toBe(1_200_000);
		expect(parseDutchNumber('-3')).toBe(-3);
		expect(parseDutchNumber('1,2,3')).toBeNull();
		expect(parseDutchNumber('.')).toBeNull();
		expect(parseDutchNumber('veel')).toBeNull();
		expect(parseYear('2021')).toBe(2021);
		expect(parseYear('2021JJ00')).toBe(2021);
		expect(parseYear('2021*')).toBe(2021);
		expect(parseYear('1850')).toBeNull();
		expect(parseYear('2021MM01')).toBeNull();
	});

	it('previews each row with its place, year and value, or the reason it cannot be saved', () => {
		const t = table(
			[
				'Regio;Jaar;Aantal',
				'Arnhem;2022;100',
				'GM0202;2023;110',
				'Arnhem (Gld.);2022;999',
				'Utrecht;2022;5',
				';2022;5',
				'Rheden;twintig;5',
				'Rheden;2022;.',
				'Rheden;2021;veel',
				'Totaal;2022;2.170',
				'Achterhoek;2022;1151'
			].join('\n')
		);
		const rows = previewRows(t, { place: 0, year: 1, value: 2 }, { places, allowed: null, existing: new Map([['gemeente:arn|2022', 90]]) });
		expect(rows.map((r) => [r.line, r.place?.key ?? null, r.year, r.value, r.error, r.replaces])).toEqual([
			[2, 'gemeente:arn', 2022, 100, null, 90],
			[3, 'gemeente:arn', 2023, 110, null, null],
			[4, 'gemeente:arn', 2022, null, 'duplicate', null],
			[5, null, 2022, null, 'place_unknown', null],
			[6, null, 2022, null, 'place_missing', null],
			[7, 'gemeente:rhe', null, null, 'year_bad', null],
			[8, 'gemeente:rhe', 2022, null, 'value_missing', null],
			[9, 'gemeente:rhe', 2021, null, 'value_bad', null],
			[10, '', 2022, 2170, null, null],
			[11, 'deel:Achterhoek', 2022, 1151, null, null]
		]);
	});

	it('a place outside the indicator’s own places is refused', () => {
		const t = table('Gemeente;Jaar;Aantal\nArnhem;2022;1\nRheden;2022;2\n');
		const rows = previewRows(t, { place: 0, year: 1, value: 2 }, { places, allowed: ['gemeente:arn'], existing: new Map() });
		expect(rows.map((r) => r.error)).toEqual([null, 'place_not_of_indicator']);
	});
});

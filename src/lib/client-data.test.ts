import { describe, expect, it } from 'vitest';
import { detectClientData, findAddress, findBirthdate, findBsn, findPhone, findPrivateEmail, isValidBsn, kindsOf, redact, REDACTED } from './client-data.ts';

const NOW = new Date('2026-12-01T12:00:00Z');

/** Plan language from the seed documents that must never warn, whatever the detector. */
const PLAN_TEXT = [
	'Uitvoeringsagenda 2024-2028 van de regio Noord-Oost Gelderland',
	'De regioaanpak Samen Veilig 2019-2022 en het actieprogramma 2021-2024.',
	'DU Vrouwenopvang € 5.200.000 per jaar, waarvan € 1.234.567 voor Moviera.',
	'Budget: 123456789 euro is niet reëel; het is € 123.456.782 in totaal.',
	'Gemeentecode GM0202 (Arnhem) en GM0200 (Apeldoorn), CBS-wijk WK020201.',
	'In 2023 kwamen 4.512 meldingen binnen bij Veilig Thuis (0800-2000).',
	'Bel Veilig Thuis op 0800-2000 of de GGD op 088 355 5555.',
	'Planning: start 2025-01, eind 2026-12; evaluatie op 12-05-2025.',
	'We hielden de bijeenkomst op 3 maart 2025 in het stadhuis.',
	'Vastgesteld door het college op 12 maart 2025, kenmerk 2025/12345.',
	'Het percentage steeg van 12,5% naar 14,3% tussen 2019 en 2022.',
	'Actie 3.2.1 loopt door tot 2028; thema 4 en speerpunt 2.',
	'Het kantoor aan de Stationsweg is verhuisd naar Rotterdam.',
	'Rotterdam 3 keer, Harderwijk 2024, Amsterdam 2021 en Beverwijk 2022.',
	'Neem contact op met j.jansen@arnhem.nl of info@veiligthuis.nl.',
	'IBAN NL91ABNA0417164300 voor de subsidie.',
	'Tussen 2021 2022 2023 en 2024 steeg het aantal.',
	'Zo doen we dat: 14 gemeenten, 18 partners en 250 professionals.'
];

describe('isValidBsn (11-proef)', () => {
	it.each(['111222333', '123456782', '999999990', '012345672'])('accepts %s', (n) => expect(isValidBsn(n)).toBe(true));
	it.each(['123456789', '111222334', '000000000', '12345678', '1234567890', 'abcdefghi'])('refuses %s', (n) => expect(isValidBsn(n)).toBe(false));
});

describe('findBsn', () => {
	it.each([
		['BSN 111222333 van de moeder', '111222333'],
		['bsn: 123.456.782.', '123.456.782'],
		['nummer 123 456 782 staat op de brief', '123 456 782'],
		['(999999990)', '999999990']
	])('finds the BSN in %j', (text, found) => expect(findBsn(text).map((f) => f.text)).toEqual([found]));
	it.each([
		'BSN 123456789 (fails the 11-proef)',
		'1234567820 is ten digits',
		'€ 123456782',
		'123.456 782 mixed separators',
		'12345678-2 with a dash',
		'1.234.567.82',
		'kosten 123.456.782,50'
	])('ignores %j', (text) => expect(findBsn(text)).toEqual([]));
});

describe('findBirthdate', () => {
	it.each([
		['geboren op 3 mei 1987 in Arnhem', '3 mei 1987'],
		['geb. 03-05-1987', '03-05-1987'],
		['Geboortedatum: 14/02/2019', '14/02/2019'],
		['moeder (12-11-1979) en kind', '12-11-1979'],
		['geboren 1 jan. 2020', '1 jan. 2020']
	])('finds the date in %j', (text, found) => expect(findBirthdate(text, NOW).map((f) => f.text)).toEqual([found]));
	it.each([
		'in 1987 begonnen',
		'mei 1987',
		'periode 2024-2028',
		'evaluatie op 12-05-2025',
		'vastgesteld op 3 mei 2021',
		'geboren op 31-02-1987 (no such day)',
		'geboren op 3 mei 2031',
		'versie 1.2.2019',
		'start 2025-01'
	])('ignores %j', (text) => expect(findBirthdate(text, NOW)).toEqual([]));
});

describe('findPhone', () => {
	it.each([
		['bel haar op 06-12345678', '06-12345678'],
		['mobiel 06 1234 5678.', '06 1234 5678'],
		['0612345678', '0612345678'],
		['tel. 010-1234567', '010-1234567'],
		['0314 123456 thuis', '0314 123456'],
		['+31 6 12345678', '+31 6 12345678'],
		['+31 (0)20 123 4567', '+31 (0)20 123 4567'],
		['0031 20 1234567', '0031 20 1234567']
	])('finds the number in %j', (text, found) => expect(findPhone(text).map((f) => f.text)).toEqual([found]));
	it.each([
		'Veilig Thuis 0800-2000',
		'GGD 088 355 5555',
		'informatielijn 0900-1234567',
		'in 2019 2020 2021',
		'kenmerk 2025/12345',
		'€ 0612345678',
		'1234567890',
		'0123456789 (a case number, ten digits without 06)',
		'12345678901'
	])('ignores %j', (text) => expect(findPhone(text)).toEqual([]));
});

describe('findAddress', () => {
	it.each([
		['woont op de Dorpsstraat 12 in Zutphen', 'Dorpsstraat 12'],
		['Van Goghlaan 3a', 'Van Goghlaan 3a'],
		['Burgemeester Weertsweg 145-II', 'Burgemeester Weertsweg 145-II'],
		['Kerkplein 7, 7201 AB Zutphen', 'Kerkplein 7'],
		['postcode 6811 CA Arnhem', '6811 CA']
	])('finds the address in %j', (text, found) => expect(findAddress(text)[0]?.text).toBe(found));
	it.each([
		'het kantoor aan de Stationsweg',
		'Rotterdam 3 keer',
		'Amsterdam 2021',
		'Harderwijk 2024',
		'De Marktstraat 2024 wordt vernieuwd',
		'Kennemerland 8 gemeenten',
		'in 2024 EN 2025',
		'Speerpunt 2 en Thema 4',
		'de dorpsstraat 12'
	])('ignores %j', (text) => expect(findAddress(text)).toEqual([]));
});

describe('findPrivateEmail', () => {
	it.each([
		['mail naar piet.jansen1987@gmail.com.', 'piet.jansen1987@gmail.com'],
		['fam.devries@hotmail.nl', 'fam.devries@hotmail.nl'],
		['x@ZIGGO.NL', 'x@ZIGGO.NL']
	])('finds the address in %j', (text, found) => expect(findPrivateEmail(text).map((f) => f.text)).toEqual([found]));
	it.each(['j.jansen@arnhem.nl', 'info@veiligthuis.nl', 'werkgroep@kring.example', 'een @-mention van Joris', 'gmail.com alleen'])('ignores %j', (text) =>
		expect(findPrivateEmail(text)).toEqual([])
	);
});

describe('detectClientData', () => {
	it.each(PLAN_TEXT)('does not warn on plan text: %j', (text) => expect(detectClientData(text, NOW)).toEqual([]));

	it('finds each kind in a careless sentence, in reading order', () => {
		const text = 'Mevrouw (BSN 111222333, geboren 3 mei 1987) woont op de Dorpsstraat 12 en is bereikbaar op 06-12345678 of m.jansen@gmail.com.';
		const found = detectClientData(text, NOW);
		expect(found.map((f) => f.kind)).toEqual(['bsn', 'birthdate', 'address', 'phone', 'email']);
		for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.text);
		expect(kindsOf(found)).toEqual(['bsn', 'birthdate', 'phone', 'address', 'email']);
	});

	it('reports an overlapping fragment once', () => {
		// ten digits starting with 06: a phone number, not also a BSN inside it
		expect(detectClientData('0611122233 3', NOW).map((f) => f.kind)).toEqual(['phone']);
	});
});

describe('redact', () => {
	it('replaces the fragment where it was', () => {
		expect(redact('BSN 111222333 hier', { start: 4, text: '111222333' })).toBe(`BSN ${REDACTED} hier`);
	});
	it('finds the fragment again after the text moved', () => {
		expect(redact('Nieuw: BSN 111222333', { start: 4, text: '111222333' })).toBe(`Nieuw: BSN ${REDACTED}`);
	});
	it('changes nothing when the fragment is gone', () => {
		expect(redact('BSN weg', { start: 4, text: '111222333' })).toBe('BSN weg');
	});
});

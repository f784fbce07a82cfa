/**
 * The client-data guard: recognises text that looks like data about a
 * client (a person in a domestic-violence case) while someone types a plan,
 * a comment, a review or a check-in. It runs in the browser only; nothing it
 * finds is sent or stored — the server hears only how many warnings of which
 * kind were shown (see /api/client-data-warnings).
 *
 * Every detector errs towards silence on plan language: years, periods
 * ("2024-2028"), amounts ("€ 5.200.000"), CBS codes ("GM0202"), percentages
 * and counts must never warn, because a guard that cries wolf is switched off
 * in people's heads. Each detector returns the fragments it found with their
 * offsets in the text, so the editor can offer to replace exactly them.
 */

export const CLIENT_DATA_KINDS = ['bsn', 'birthdate', 'phone', 'address', 'email'] as const;
export type ClientDataKind = (typeof CLIENT_DATA_KINDS)[number];

export interface ClientDataFinding {
	kind: ClientDataKind;
	/** offset of the fragment in the text (UTF-16 code units) */
	start: number;
	end: number;
	/** the fragment itself: kept in memory for the rewrite only, never sent */
	text: string;
}

/** What a replaced fragment becomes. */
export const REDACTED = '[verwijderd]';

/** The 11-proef of the burgerservicenummer: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not all zeros). */
export function isValidBsn(digits: string): boolean {
	if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
	let sum = 0;
	for (let i = 0; i < 8; i++) sum += (9 - i) * Number(digits[i]);
	sum -= Number(digits[8]);
	return sum % 11 === 0;
}

function find(text: string, pattern: RegExp, kind: ClientDataKind, accept: (match: RegExpExecArray) => boolean = () => true, group = 0): ClientDataFinding[] {
	const out: ClientDataFinding[] = [];
	const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
	for (let match = re.exec(text); match; match = re.exec(text)) {
		if (match[0].length === 0) {
			re.lastIndex++;
			continue;
		}
		if (!accept(match)) continue;
		const fragment = match[group];
		const start = match.index + match[0].indexOf(fragment);
		out.push({ kind, start, end: start + fragment.length, text: fragment });
	}
	return out;
}

/**
 * A BSN: nine digits, optionally grouped as 123.456.782 or 123 456 782, that
 * pass the 11-proef, not part of a longer number, an amount or an IBAN.
 */
export function findBsn(text: string): ClientDataFinding[] {
	return find(
		text,
		/(?<![\d.,€-])(\d{3}[. ]?\d{3}[. ]?\d{3}|\d{9})(?![\d-]|[.,]\d)/gu,
		'bsn',
		(match) => {
			const before = text.slice(Math.max(0, match.index - 2), match.index);
			if (/€\s?$/.test(before)) return false;
			const digits = match[1].replace(/[. ]/g, '');
			// mixed separators ("123.456 789") are not how a BSN is written
			const separators = match[1].replace(/\d/g, '');
			if (separators.length === 2 && separators[0] !== separators[1]) return false;
			if (separators.length === 1) return false;
			return isValidBsn(digits);
		},
		1
	);
}

const MONTHS = 'januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec';
const BIRTH_WORDS = /(geboren|geb\.|geboortedatum|geb\.datum|geboorte|dob|verjaardag|leeftijd)\s*:?\s*(op\s+)?$/iu;

function plausibleDate(day: number, month: number, year: number): boolean {
	if (month < 1 || month > 12 || day < 1) return false;
	const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
	return day <= days;
}

/**
 * A date of birth: a full date of a day between 1900 and now−0 that is
 * either marked as a birth date ("geboren op 3 mei 1987", "geb. 03-05-1987")
 * or written as a full numeric date (dd-mm-jjjj) more than 12 years in the
 * past — plan dates (deadlines, meetings) are recent or in the future. A year
 * alone, a month and year, or a period such as 2024-2028 never counts.
 */
export function findBirthdate(text: string, now = new Date()): ClientDataFinding[] {
	const thisYear = now.getFullYear();
	const out: ClientDataFinding[] = [];
	const numeric = /(?<![\d\-/.])(\d{1,2})[\-/.](\d{1,2})[\-/.]((?:19|20)\d{2})(?![\d\-/]|\.\d)/gu;
	const written = new RegExp(`(?<![\\p{L}\\d])(\\d{1,2})\\s+(${MONTHS})\\.?\\s+((?:19|20)\\d{2})(?!\\d)`, 'giu');
	for (const [re, monthOf] of [
		[numeric, (s: string) => Number(s)],
		[written, (s: string) => monthNumber(s)]
	] as const) {
		out.push(
			...find(text, re, 'birthdate', (match) => {
				const day = Number(match[1]);
				const month = monthOf(match[2]);
				const year = Number(match[3]);
				if (!plausibleDate(day, month, year) || year < 1900 || year > thisYear) return false;
				const marked = BIRTH_WORDS.test(text.slice(Math.max(0, match.index - 30), match.index));
				if (marked) return true;
				// unmarked: only numeric dates long enough ago to be a birth date, not a plan's
				return re === numeric && year <= thisYear - 12;
			})
		);
	}
	return out;
}

function monthNumber(word: string): number {
	const w = word.toLowerCase().replace(/\.$/, '');
	const full = MONTHS.split('|');
	const index = full.findIndex((m) => m === w);
	if (index < 0) return 0;
	if (index < 12) return index + 1;
	const short: Record<string, number> = { jan: 1, feb: 2, mrt: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, okt: 10, nov: 11, dec: 12 };
	return short[w] ?? 0;
}

/**
 * A Dutch phone number: mobile 06-12345678 / 06 1234 5678 / +31 6 …, or a
 * landline with its area code (010-1234567, 0314 123456, +31 20 …). Service
 * numbers (0800, 0900, 088 of organisations like Veilig Thuis) are public and
 * never warn; neither do numbers glued into longer digit runs, amounts or codes.
 */
export function findPhone(text: string): ClientDataFinding[] {
	const re = /(?<![\d\p{L}€.,+])((?:\+31|0031)[\s-]?\(?0?\)?[\s-]?[1-9](?:[\s-]?\d){8}|0[1-9](?:[\s-]?\d){8})(?![\d,]|\.\d)/gu;
	return find(text, re, 'phone', (match) => {
		const raw = match[1];
		if (/€\s?$/.test(text.slice(Math.max(0, match.index - 2), match.index))) return false;
		const digits = raw.replace(/\D/g, '');
		const national = digits.startsWith('0031') ? '0' + digits.slice(4).replace(/^0/, '') : digits.startsWith('31') ? '0' + digits.slice(2).replace(/^0/, '') : digits;
		if (national.length !== 10) return false;
		if (/^0(800|900|906|909|88|85|84|87)/.test(national)) return false;
		// written as one run of ten digits without 06: too easily another number (a case or file number)
		if (/^\d{10}$/.test(raw) && !raw.startsWith('06')) return false;
		// a range of years or numbers ("2019-2022") never reaches here, but "0-10" style counts neither
		return true;
	}, 1);
}

/** words a Dutch street name ends in; not place-name endings (-dam, -wijk, -berg), which would flag "Rotterdam 3" */
const STREET_SUFFIX = 'straat|laan|weg|plein|gracht|kade|singel|dijk|hof|pad|steeg|dreef|park|plantsoen|markt|wal|boulevard|allee|brink|erf|weide|wetering';
/** capitalised words that open a street name; "van", "de" … only after one of them ("Burgemeester de Withstraat") */
const LEADING_WORDS =
	"(?:(?:Van|De|Den|Der|Het|'t|Sint|St\\.|Burgemeester|Burg\\.|Prins|Prinses|Koningin|Koning|Dokter|Dr\\.|Oude|Nieuwe|Korte|Lange|Hoge|Lage|Grote|Kleine)\\s+(?:(?:van|de|den|der|het|ten|ter)\\s+)*)";

/**
 * An address: a street name ending in a Dutch street word (…straat, …laan,
 * …weg, …plein, Dorpsstraat, Van Goghlaan) followed by a house number
 * (12, 12a, 12-II, 12 bis), and/or a Dutch postcode (1234 AB) followed by a
 * place name. A street without a house number ("aan de Stationsweg") is not an
 * address of a person and does not warn.
 */
export function findAddress(text: string): ClientDataFinding[] {
	const street = new RegExp(
		`(?<![\\p{L}\\d])(${LEADING_WORDS}*\\p{Lu}[\\p{L}'’.-]*(?:${STREET_SUFFIX}))\\s+((?!(?:19|20)\\d\\d(?!\\d))\\d{1,4}(?:\\s?[a-zA-Z](?![\\p{L}]))?(?:-(?:[IVX]+|\\d{1,3}|hs|bis))?)(?![\\d%,.]\\d|\\d|\\s?%|\\s?(?:euro|miljoen|procent|keer|uur|jaar|mensen|personen|gemeenten|acties|meldingen|cliënten|kinderen|gezinnen|procent))`,
		'gu'
	);
	const postcode = /(?<![\d\p{L}])([1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2})(?![\p{L}\d])(?=\s+\p{Lu}[\p{L}-]+)/gu;
	return [...find(text, street, 'address'), ...find(text, postcode, 'address', () => true, 1)];
}

/**
 * Organisations write from role addresses and their own domains; a private
 * person's address is at a mail provider. Only those warn: an officer's
 * work address (j.jansen@arnhem.nl, info@veiligthuis.nl) is not client data.
 */
const PRIVATE_MAIL_DOMAINS = new Set([
	'gmail.com',
	'googlemail.com',
	'hotmail.com',
	'hotmail.nl',
	'outlook.com',
	'outlook.nl',
	'live.nl',
	'live.com',
	'msn.com',
	'yahoo.com',
	'yahoo.nl',
	'icloud.com',
	'me.com',
	'mac.com',
	'ziggo.nl',
	'kpnmail.nl',
	'kpnplanet.nl',
	'planet.nl',
	'home.nl',
	'hetnet.nl',
	'casema.nl',
	'chello.nl',
	'xs4all.nl',
	'upcmail.nl',
	'quicknet.nl',
	'telfort.nl',
	'tele2.nl',
	'online.nl',
	'zonnet.nl',
	'versatel.nl',
	'solcon.nl',
	'caiway.nl',
	'delta.nl',
	'zeelandnet.nl',
	'freedom.nl',
	'proton.me',
	'protonmail.com',
	'gmx.net',
	'gmx.com',
	'aol.com',
	'mail.com'
]);

export function findPrivateEmail(text: string): ClientDataFinding[] {
	return find(text, /(?<![\p{L}\d._%+-])([\p{L}\d._%+-]+@([\p{L}\d-]+(?:\.[\p{L}\d-]+)+))/gu, 'email', (match) => {
		return PRIVATE_MAIL_DOMAINS.has(match[2].toLowerCase().replace(/\.$/, ''));
	}, 1);
}

/** Everything the guard recognises in `text`, in reading order; overlapping fragments are reported once. */
export function detectClientData(text: string, now = new Date()): ClientDataFinding[] {
	if (!text || text.length > 200_000) return [];
	const all = [...findBsn(text), ...findBirthdate(text, now), ...findPhone(text), ...findAddress(text), ...findPrivateEmail(text)].sort(
		(a, b) => a.start - b.start || b.end - a.end
	);
	const out: ClientDataFinding[] = [];
	for (const f of all) {
		const last = out[out.length - 1];
		if (last && f.start < last.end) continue;
		out.push(f);
	}
	return out;
}

/** The kinds found, each once, in CLIENT_DATA_KINDS order. */
export function kindsOf(findings: readonly ClientDataFinding[]): ClientDataKind[] {
	return CLIENT_DATA_KINDS.filter((k) => findings.some((f) => f.kind === k));
}

/**
 * Replaces a finding in the current text. The text may have changed since it
 * was found (the warning is debounced): the fragment is looked up again,
 * nearest to where it was, and nothing changes when it is gone.
 */
export function redact(text: string, finding: Pick<ClientDataFinding, 'start' | 'text'>): string {
	const at = nearest(text, finding);
	if (at < 0) return text;
	return text.slice(0, at) + REDACTED + text.slice(at + finding.text.length);
}

/** Where the fragment is now (−1: gone), the occurrence nearest its old offset. */
export function nearest(text: string, finding: Pick<ClientDataFinding, 'start' | 'text'>): number {
	if (!finding.text) return -1;
	if (text.startsWith(finding.text, finding.start)) return finding.start;
	let best = -1;
	for (let i = text.indexOf(finding.text); i >= 0; i = text.indexOf(finding.text, i + 1)) {
		if (best < 0 || Math.abs(i - finding.start) < Math.abs(best - finding.start)) best = i;
	}
	return best;
}

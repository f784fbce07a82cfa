import JSZip from 'jszip';
import mammoth from 'mammoth';
import { inflateRawSync } from 'node:zlib';
import { COLUMN_STYLES } from './export-format.ts';
import type { LevelNames } from './plan.ts';
import type { Block, Inline } from './rich-text.ts';

/**
 * Reading an existing Word plan (.docx) into Kring's structure: the file is
 * checked first (size, zip, content types, a zip bomb), then mammoth turns it
 * into HTML, and that HTML is read as chapters → themes → actions in the
 * shapes of the source documents:
 *
 *  - action cards as tables of label–text rows ("Actie", "Huidige stand van
 *    zaken", "Omschrijving actie", …; seed 000);
 *  - "Regionale acties" / "Lokale acties" bullet lists under a theme heading,
 *    "Zo doen we dat" text and an "Ambassadeurs:" line (seed 001);
 *  - a two-column table with regional and local actions side by side (seed 002).
 *
 * Which heading level is a chapter or theme, which labels are card fields and
 * which column is regional is an input (ImportMapping), detected by default.
 * Texts keep bold, italic, links, lists and sub-headings as Blocks.
 */

export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** The most a Word file may unpack to, and its largest compression ratio: more is a zip bomb. */
export const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
export const MAX_RATIO = 100;

export type RefusalReason = 'too_large' | 'empty' | 'not_docx' | 'corrupt' | 'macro' | 'zip_bomb' | 'no_structure';

export class ImportRefused extends Error {
	constructor(
		readonly reason: RefusalReason,
		readonly status: 400 | 413 = reason === 'too_large' ? 413 : 400
	) {
		super(reason);
	}
}

export type ImportWarning =
	| { code: 'intro_moved'; title: string }
	| { code: 'table_as_text'; theme: string }
	| { code: 'field_skipped'; label: string }
	| { code: 'images_skipped'; count: number }
	| { code: 'no_actions' }
	| { code: 'no_themes' }
	| { code: 'actions_without_theme'; count: number }
	| { code: 'empty_action_skipped'; theme: string };

export interface ImportMapping {
	/** heading level (1–6) of a chapter; null: the plan has no chapters */
	chapterLevel: number | null;
	/** heading level (1–6) of a theme */
	themeLevel: number;
	/** card table labels (as the document has them) that become card fields; null: every label */
	cardFields: string[] | null;
	/** which table column (0-based) holds regional and local actions in a two-column table */
	regionalColumn: number;
	localColumn: number;
	/** the level of actions that come from card tables (the document does not say) */
	cardLevel: 'regional' | 'local' | null;
	/** the plan's own words for its levels */
	words: LevelNames;
}

export interface ParsedAction {
	title: string;
	level: 'regional' | 'local' | null;
	fields: { label: string; blocks: Block[] }[];
}

export interface ParsedTheme {
	number: string | null;
	title: string;
	blocks: Block[];
	ambassadors: string[];
	actions: ParsedAction[];
}

export interface ParsedChapter {
	title: string | null;
	themes: ParsedTheme[];
}

export interface ParsedPlan {
	title: string;
	intro: Block[];
	chapters: ParsedChapter[];
	warnings: ImportWarning[];
	/** the mapping used (detected where the input left it open) */
	mapping: ImportMapping;
	/** what the document offers, for the mapping form */
	found: { headingLevels: number[]; cardLabels: string[]; twoColumnTables: number; hasApproach: boolean };
}

/** The preview as the API returns it: texts as plain text. */
export interface ImportPreview {
	title: string;
	chapters: {
		title: string | null;
		themes: {
			title: string;
			text: string;
			ambassadors: string[];
			actions: { title: string; level: 'regional' | 'local' | null; fields: Record<string, string> }[];
		}[];
	}[];
	warnings: ImportWarning[];
}

// ---------------------------------------------------------------------------
// Checking the file

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const DOCX_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';
const DOCM_MAIN = 'application/vnd.ms-word.document.macroEnabled.main+xml';

interface ZipEntryData {
	compressedSize: number;
	uncompressedSize: number;
	compression: { magic: string } | null;
	compressedContent: Uint8Array;
}

/**
 * Checks that `bytes` is a Word document Kring may open, before anything
 * parses it; throws ImportRefused. The zip directory's sizes are checked, and
 * every entry is unpacked once with a hard output limit, so a directory that
 * lies about its sizes cannot unpack to more either.
 */
export async function checkDocx(bytes: Uint8Array): Promise<void> {
	if (bytes.length > MAX_IMPORT_BYTES) throw new ImportRefused('too_large');
	if (bytes.length === 0) throw new ImportRefused('empty');
	if (bytes.length < 4 || ZIP_MAGIC.some((b, i) => bytes[i] !== b)) throw new ImportRefused('not_docx');
	let zip: JSZip;
	try {
		zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
	} catch {
		throw new ImportRefused('corrupt');
	}
	const entries = Object.values(zip.files).filter((f) => !f.dir);
	let declared = 0;
	for (const entry of entries) {
		const data = (entry as unknown as { _data: ZipEntryData })._data;
		if (!data || typeof data.uncompressedSize !== 'number') throw new ImportRefused('corrupt');
		declared += data.uncompressedSize;
		if (data.uncompressedSize > 1024 * 1024 && data.uncompressedSize > MAX_RATIO * Math.max(1, data.compressedSize)) {
			throw new ImportRefused('zip_bomb');
		}
	}
	if (declared > MAX_UNPACKED_BYTES) throw new ImportRefused('zip_bomb');
	let unpacked = 0;
	for (const entry of entries) {
		const data = (entry as unknown as { _data: ZipEntryData })._data;
		const method = data.compression?.magic;
		let size: number;
		if (method === '\x00\x00') size = data.compressedContent.length;
		else if (method === '\x08\x00') {
			try {
				size = inflateRawSync(data.compressedContent, { maxOutputLength: Math.max(1, MAX_UNPACKED_BYTES - unpacked) }).length;
			} catch (err) {
				if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ImportRefused('zip_bomb');
				throw new ImportRefused('corrupt');
			}
		} else throw new ImportRefused('corrupt');
		unpacked += size;
		if (unpacked > MAX_UNPACKED_BYTES) throw new ImportRefused('zip_bomb');
		if (size > 1024 * 1024 && size > MAX_RATIO * Math.max(1, data.compressedSize)) throw new ImportRefused('zip_bomb');
	}
	const types = zip.file('[Content_Types].xml');
	if (!types) throw new ImportRefused('not_docx');
	const xml = await types.async('string');
	if (xml.includes(DOCM_MAIN)) throw new ImportRefused('macro');
	if (!xml.includes(DOCX_MAIN)) throw new ImportRefused('not_docx');
	if (/vbaProject/i.test(xml) || zip.file(/vbaProject\.bin$/i).length) throw new ImportRefused('macro');
	if (!zip.file('word/document.xml')) throw new ImportRefused('corrupt');
}

/** The title in the document's properties (docProps/core.xml), if any. */
async function coreTitle(bytes: Uint8Array): Promise<string | null> {
	try {
		const zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
		const core = zip.file('docProps/core.xml');
		if (!core) return null;
		const match = /<dc:title>([^<]*)<\/dc:title>/.exec(await core.async('string'));
		const title = match ? decodeEntities(match[1]).trim() : '';
		return title || null;
	} catch {
		return null;
	}
}

// ---------------------------------------------------------------------------
// mammoth's HTML as a small tree

interface El {
	tag: string;
	attrs: Record<string, string>;
	children: HtmlNode[];
}
type HtmlNode = El | string;

const VOID = new Set(['br', 'img', 'hr']);

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_, e: string) => {
		const lower = e.toLowerCase();
		if (lower === 'amp') return '&';
		if (lower === 'lt') return '<';
		if (lower === 'gt') return '>';
		if (lower === 'quot') return '"';
		if (lower === 'apos') return "'";
		if (lower === 'nbsp') return ' ';
		const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
		return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : '';
	});
}

/** Parses the well-formed, escaped HTML mammoth writes (not HTML in general). */
function parseHtml(html: string): El {
	const root: El = { tag: 'root', attrs: {}, children: [] };
	const stack: El[] = [root];
	const token = /<(\/?)([a-zA-Z0-9]+)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*(\/?)>|([^<]+)/g;
	let match: RegExpExecArray | null;
	while ((match = token.exec(html))) {
		const [, closing, rawTag, rawAttrs, selfClosing, text] = match;
		const top = stack[stack.length - 1];
		if (text !== undefined) {
			top.children.push(decodeEntities(text));
			continue;
		}
		const tag = rawTag.toLowerCase();
		if (closing) {
			const at = stack.map((e) => e.tag).lastIndexOf(tag);
			if (at > 0) stack.length = at;
			continue;
		}
		const attrs: Record<string, string> = {};
		for (const a of rawAttrs.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) attrs[a[1].toLowerCase()] = decodeEntities(a[2] ?? '');
		const el: El = { tag, attrs, children: [] };
		top.children.push(el);
		if (!selfClosing && !VOID.has(tag)) stack.push(el);
	}
	return root;
}

// ---------------------------------------------------------------------------
// Items: the document as a flat sequence of headings, paragraphs, lists, tables

interface ListItem {
	runs: Inline[];
	children: ListItem[];
}
type Item =
	| { kind: 'heading'; level: number; runs: Inline[]; text: string; label?: boolean }
	/** role: a paragraph in one of the styles Kring's own export writes (see COLUMN_STYLES) */
	| { kind: 'paragraph'; runs: Inline[]; text: string; title?: boolean; role?: 'action' | 'field' | 'fact' }
	| { kind: 'list'; ordered: boolean; items: ListItem[] }
	| { kind: 'table'; rows: Item[][][] };

interface ReadState {
	images: number;
}

function runsOf(nodes: HtmlNode[], state: ReadState, marks: Omit<Inline, 'text'> = {}, out: Inline[] = []): Inline[] {
	for (const node of nodes) {
		if (typeof node === 'string') {
			const text = node.replace(/\s+/g, ' ');
			if (!text) continue;
			const last = out[out.length - 1];
			if (last && last.bold === marks.bold && last.italic === marks.italic && last.link === marks.link) last.text += text;
			else out.push({ text, ...marks });
			continue;
		}
		if (node.tag === 'br') runsOf([' '], state, marks, out);
		else if (node.tag === 'img') state.images += 1;
		else if (node.tag === 'strong' || node.tag === 'b') runsOf(node.children, state, { ...marks, bold: true }, out);
		else if (node.tag === 'em' || node.tag === 'i') runsOf(node.children, state, { ...marks, italic: true }, out);
		else if (node.tag === 'a') {
			const href = node.attrs.href ?? '';
			runsOf(node.children, state, /^(https?:|mailto:)/i.test(href) ? { ...marks, link: href } : marks, out);
		} else if (node.tag === 'ul' || node.tag === 'ol' || node.tag === 'table') continue;
		else runsOf(node.children, state, marks, out);
	}
	return out;
}

/** Trims the runs' outer whitespace and drops empty runs. */
function trimRuns(runs: Inline[]): Inline[] {
	const out = runs.map((r) => ({ ...r }));
	while (out.length && !out[0].text.trim()) out.shift();
	while (out.length && !out[out.length - 1].text.trim()) out.pop();
	if (out.length) {
		out[0].text = out[0].text.replace(/^\s+/, '');
		out[out.length - 1].text = out[out.length - 1].text.replace(/\s+$/, '');
	}
	return out;
}

const textOf = (runs: Inline[]) => runs.map((r) => r.text).join('').replace(/\s+/g, ' ').trim();

function listItems(list: El, state: ReadState): ListItem[] {
	return list.children
		.filter((c): c is El => typeof c !== 'string' && c.tag === 'li')
		.map((li) => ({
			runs: trimRuns(runsOf(li.children, state)),
			children: li.children.filter((c): c is El => typeof c !== 'string' && (c.tag === 'ul' || c.tag === 'ol')).flatMap((l) => listItems(l, state))
		}));
}

function itemsOf(nodes: HtmlNode[], state: ReadState): Item[] {
	const items: Item[] = [];
	for (const node of nodes) {
		if (typeof node === 'string') {
			if (node.trim()) items.push({ kind: 'paragraph', runs: [{ text: node.trim() }], text: node.trim() });
			continue;
		}
		const heading = /^h([1-6])$/.exec(node.tag);
		if (heading) {
			const runs = trimRuns(runsOf(node.children, state));
			if (textOf(runs)) items.push({ kind: 'heading', level: Number(heading[1]), runs, text: textOf(runs) });
		} else if (node.tag === 'p') {
			const runs = trimRuns(runsOf(node.children, state));
			const cls = node.attrs.class ?? '';
			const title = /\bkring-title\b/.test(cls);
			const role = /\bkring-action\b/.test(cls) ? 'action' : /\bkring-field\b/.test(cls) ? 'field' : /\bkring-fact\b/.test(cls) ? 'fact' : null;
			if (textOf(runs)) items.push({ kind: 'paragraph', runs, text: textOf(runs), ...(title ? { title } : {}), ...(role ? { role } : {}) });
			else runsOf(node.children, state); // count images
		} else if (node.tag === 'ul' || node.tag === 'ol') {
			const list = listItems(node, state);
			if (list.length) items.push({ kind: 'list', ordered: node.tag === 'ol', items: list });
		} else if (node.tag === 'table') {
			const rows: Item[][][] = [];
			const collectRows = (el: El) => {
				for (const child of el.children) {
					if (typeof child === 'string') continue;
					if (child.tag === 'tr') {
						rows.push(child.children.filter((c): c is El => typeof c !== 'string' && (c.tag === 'td' || c.tag === 'th')).map((cell) => itemsOf(cell.children, state)));
					} else if (child.tag === 'thead' || child.tag === 'tbody' || child.tag === 'tfoot') collectRows(child);
				}
			};
			collectRows(node);
			if (rows.length) items.push({ kind: 'table', rows });
		} else {
			items.push(...itemsOf(node.children, state));
		}
	}
	return items;
}

// ---------------------------------------------------------------------------
// Recognising the shapes

const norm = (text: string) =>
	text
		.replace(/[\s:?.]+$/, '')
		.replace(/\s+/g, ' ')
		.trim()
		.toLowerCase();

/** "Regionale acties", "Regionaal", "Acties regionaal" → regional; the same for local. */
function levelLabel(text: string): 'regional' | 'local' | null {
	const t = norm(text);
	if (t.length > 40) return null;
	if (/^(regionale?|regionaal)( acties?| actiepunten)?$|^acties? regionaal$/.test(t)) return 'regional';
	if (/^(lokale?|lokaal)( acties?| actiepunten)?$|^acties? lokaal$/.test(t)) return 'local';
	return null;
}
const isApproachLabel = (text: string) => norm(text) === 'zo doen we dat';
const AMBASSADOR = /^ambassadeurs?\s*(?:[:\-–]\s*(.*))?$/i;
const ACTION_TITLE_LABEL = /^(actie|activiteit|actiepunt|project)(\s+\d+(\.\d+)*)?$/;

/** Card field labels of seed 000 (and Kring's default card), to tell a card table from any table. */
const KNOWN_CARD_LABELS = new Set([
	'huidige stand van zaken',
	'omschrijving actie',
	'omschrijving',
	'beoogd resultaat',
	'resultaat',
	'regionale samenwerking',
	'wie gaat dit doen',
	'wie',
	'planning',
	'kosten en dekking',
	'kosten',
	'wanneer gereed',
	'activiteiten',
	'thema'
]);

const isLabelText = (text: string) => text.length > 0 && text.length <= 80;

function cellText(cell: Item[]): string {
	return cell.map(itemText).filter(Boolean).join('\n');
}
function itemText(item: Item): string {
	switch (item.kind) {
		case 'heading':
		case 'paragraph':
			return item.text;
		case 'list':
			return listText(item.items);
		case 'table':
			return item.rows.map((r) => r.map(cellText).join(' | ')).join('\n');
	}
}
function listText(items: ListItem[]): string {
	return items.map((i) => [textOf(i.runs), listText(i.children)].filter(Boolean).join('\n')).join('\n');
}

/** A card table: rows of a short label and its text, one of them the action's title or at least two known fields. */
function cardTable(rows: Item[][][]): { title: string; fields: { label: string; cell: Item[] }[] } | null {
	let title: string | null = null;
	const fields: { label: string; cell: Item[] }[] = [];
	let known = 0;
	let labelled = 0;
	for (const [i, row] of rows.entries()) {
		if (row.length === 1) {
			const text = cellText(row[0]);
			// A title row spanning the card, e.g. "Actie 1.1: …".
			if (i === 0 && text) {
				const m = /^(?:actie|activiteit|actiepunt)\s*[\d.]*\s*[:\-–]?\s*(.*)$/i.exec(text);
				title = (m && m[1] ? m[1] : text).trim();
			}
			continue;
		}
		if (row.length !== 2) return null;
		const label = cellText(row[0]).replace(/\s+/g, ' ').trim();
		if (!isLabelText(label)) return null;
		labelled += 1;
		const key = norm(label);
		if (ACTION_TITLE_LABEL.test(key) && title === null) {
			title = cellText(row[1]).replace(/\s+/g, ' ').trim();
			continue;
		}
		if (KNOWN_CARD_LABELS.has(key)) known += 1;
		fields.push({ label: label.replace(/[\s:]+$/, ''), cell: row[1] });
	}
	if (labelled < 2) return null;
	if (title === null && known < 2) return null;
	if (title === null) {
		// No title label: the first field's text is the action.
		const first = fields.shift();
		title = first ? cellText(first.cell).split('\n')[0] : '';
	}
	return { title, fields };
}

/** A two-column table whose header names regional and local actions: their columns. */
function levelColumns(rows: Item[][][]): { regional: number; local: number } | null {
	const header = rows[0];
	if (!header || header.length < 2) return null;
	let regional = -1;
	let local = -1;
	header.forEach((cell, i) => {
		const level = levelLabel(cellText(cell));
		if (level === 'regional' && regional < 0) regional = i;
		if (level === 'local' && local < 0) local = i;
	});
	return regional >= 0 || local >= 0 ? { regional, local } : null;
}

// ---------------------------------------------------------------------------
// Blocks for the plan's texts

function listBlock(list: Extract<Item, { kind: 'list' }>): Block[] {
	// Kring's lists are one level deep: nested items follow their parent.
	const flat: Inline[][] = [];
	const walk = (items: ListItem[]) => {
		for (const item of items) {
			if (item.runs.length) flat.push(item.runs);
			walk(item.children);
		}
	};
	walk(list.items);
	return flat.length ? [{ type: list.ordered ? 'orderedList' : 'bulletList', items: flat }] : [];
}

function itemBlocks(item: Item, headingLevel = 3): Block[] {
	switch (item.kind) {
		case 'heading':
			return [{ type: 'heading', level: headingLevel, text: item.runs }];
		case 'paragraph':
			return [{ type: 'paragraph', text: item.runs }];
		case 'list':
			return listBlock(item);
		case 'table':
			return item.rows.flatMap((row) => row.flatMap((cell) => cell.flatMap((i) => itemBlocks(i, headingLevel))));
	}
}

/** Plain text of blocks: one line per paragraph or list item. */
export function blocksText(blocks: Block[]): string {
	const plain = (t: string | Inline[]) => (typeof t === 'string' ? t : t.map((r) => r.text).join(''));
	return blocks
		.flatMap((b) => (b.type === 'bulletList' || b.type === 'orderedList' ? b.items.map(plain) : [plain(b.text)]))
		.map((l) => l.trim())
		.filter(Boolean)
		.join('\n');
}

// ---------------------------------------------------------------------------
// Detection

const THEME_WORD_FORMS: [string, string, RegExp][] = [
	['speerpunt', 'speerpunten', /\bspeerpunt(en)?\b/gi],
	['vertrekpunt', 'vertrekpunten', /\bvertrekpunt(en)?\b/gi],
	['doelstelling', 'doelstellingen', /\bdoelstelling(en)?\b/gi],
	['thema', "thema's", /\bthema('s)?\b/gi]
];

function detectWords(items: Item[], themeTitles: string[]): LevelNames {
	const all = items.map(itemText).join('\n');
	let best: [string, string] = ['thema', "thema's"];
	let bestCount = 0;
	for (const [word, plural, re] of THEME_WORD_FORMS) {
		// A theme heading that names the word counts most.
		const count = (all.match(re)?.length ?? 0) + 10 * themeTitles.filter((t) => new RegExp(`^${word}`, 'i').test(t)).length;
		if (count > bestCount) {
			best = [word, plural];
			bestCount = count;
		}
	}
	return { chapter: 'hoofdstuk', chapterPlural: 'hoofdstukken', theme: best[0], themePlural: best[1] };
}

function isStructureHeading(item: Item): item is Extract<Item, { kind: 'heading' }> {
	return item.kind === 'heading' && !item.label && !levelLabel(item.text) && !isApproachLabel(item.text) && !AMBASSADOR.test(item.text);
}

function bearsActions(item: Item): boolean {
	if (item.kind === 'table') return cardTable(item.rows) !== null || levelColumns(item.rows) !== null;
	if (item.kind === 'heading' || item.kind === 'paragraph') return levelLabel(item.text) !== null;
	return false;
}

/**
 * Headings that repeat under every theme ("Toelichting", "Ontwikkelrichting")
 * label parts of a theme's text; they are no chapters or themes. A heading is
 * such a label when its text occurs more than once at its level and such
 * repeated texts make up at least half of that level's headings.
 */
function markLabelHeadings(items: Item[]): void {
	const headings = items.filter((i): i is Extract<Item, { kind: 'heading' }> => i.kind === 'heading');
	for (const level of new Set(headings.map((h) => h.level))) {
		const atLevel = headings.filter((h) => h.level === level);
		const counts = new Map<string, number>();
		for (const h of atLevel) counts.set(norm(h.text), (counts.get(norm(h.text)) ?? 0) + 1);
		const repeated = atLevel.filter((h) => (counts.get(norm(h.text)) ?? 0) > 1);
		if (repeated.length < 2 || repeated.length * 2 < atLevel.length) continue;
		for (const h of repeated) h.label = true;
	}
}

function detectLevels(items: Item[]): { chapterLevel: number | null; themeLevel: number } {
	const levels = [...new Set(items.filter(isStructureHeading).map((h) => h.level))].sort();
	const votes = new Map<number, number>();
	let current: number | null = null;
	let counted = false;
	for (const item of items) {
		if (isStructureHeading(item)) {
			current = item.level;
			counted = false;
		} else if (current !== null && !counted && bearsActions(item)) {
			votes.set(current, (votes.get(current) ?? 0) + 1);
			counted = true;
		}
	}
	let themeLevel: number;
	if (votes.size) themeLevel = [...votes.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
	else themeLevel = levels.length >= 2 ? levels[1] : (levels[0] ?? 1);
	const above = levels.filter((l) => l < themeLevel);
	// The nearest level above the themes, when it is used more than once (a lone top heading is the title).
	const candidate = above.length ? above[above.length - 1] : null;
	const chapterLevel =
		candidate !== null && items.filter((i) => isStructureHeading(i) && i.level === candidate).length > 1 ? candidate : null;
	return { chapterLevel, themeLevel };
}

// ---------------------------------------------------------------------------
// Reading

export interface ReadOptions {
	mapping?: Partial<ImportMapping>;
	/** the uploaded file's name, the title's last resort */
	fileName?: string;
}

function parseAmbassadors(text: string): string[] {
	return text
		.split(/\s*(?:[;,]|\sen\s)\s*/)
		.map((s) => s.trim().replace(/\.$/, ''))
		.filter(Boolean);
}

/** "1. Titel", "Vertrekpunt 1: Titel" → number and title. */
function themeTitle(text: string): { number: string | null; title: string } {
	const m =
		/^(\d+(?:\.\d+)*)[.)]?\s+(.+)$/.exec(text) ??
		/^(?:speerpunt|vertrekpunt|doelstelling|thema|randvoorwaarde)\s+(\d+(?:\.\d+)*)\s*[:.\-–]\s*(.+)$/i.exec(text);
	return m ? { number: m[1], title: m[2] } : { number: null, title: text };
}

/**
 * Actions of one table cell as Kring's own export writes them: an "Actie"
 * paragraph starts an action, an "Actieveld" paragraph names the field whose
 * text follows, an "Actiegegeven" paragraph is a "Label: value" fact.
 */
function styledCellActions(cell: Item[], level: 'regional' | 'local'): ParsedAction[] {
	const actions: ParsedAction[] = [];
	let field: ParsedAction['fields'][number] | null = null;
	for (const item of cell) {
		const current = actions[actions.length - 1];
		if (item.kind === 'paragraph' && item.role === 'action') {
			actions.push({ title: item.text, level, fields: [] });
			field = null;
		} else if (!current) continue;
		else if (item.kind === 'paragraph' && item.role === 'field') {
			field = { label: item.text, blocks: [] };
			current.fields.push(field);
		} else if (item.kind === 'paragraph' && item.role === 'fact') {
			const i = item.text.indexOf(':');
			if (i > 0) current.fields.push({ label: item.text.slice(0, i).trim(), blocks: [{ type: 'paragraph', text: item.text.slice(i + 1).trim() }] });
			field = null;
		} else {
			if (!field) {
				field = { label: 'Toelichting', blocks: [] };
				current.fields.push(field);
			}
			field.blocks.push(...itemBlocks(item));
		}
	}
	return actions;
}

/** Actions of one table cell: each list item or paragraph is one action (or as styledCellActions). */
function cellActions(cell: Item[], level: 'regional' | 'local'): ParsedAction[] {
	if (cell.some((i) => i.kind === 'paragraph' && i.role === 'action')) return styledCellActions(cell, level);
	const actions: ParsedAction[] = [];
	for (const item of cell) {
		if (item.kind === 'list') {
			for (const li of item.items) {
				const title = textOf(li.runs);
				if (!title) continue;
				const sub = li.children.length ? [{ label: 'Toelichting', blocks: listBlock({ kind: 'list', ordered: false, items: li.children }) }] : [];
				actions.push({ title, level, fields: sub });
			}
		} else if (item.kind === 'paragraph' || item.kind === 'heading') {
			if (levelLabel(item.text)) continue;
			actions.push({ title: item.text, level, fields: [] });
		}
	}
	return actions;
}

/**
 * Reads a checked Word file (see checkDocx) into a plan. Throws
 * ImportRefused('empty') for a document without text and ('no_structure')
 * when it has neither headings nor action tables.
 */
export async function readWordPlan(bytes: Uint8Array, options: ReadOptions = {}): Promise<ParsedPlan> {
	let html: string;
	try {
		const result = await mammoth.convertToHtml(
			{ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
			{
				styleMap: [
					"p[style-name='Title'] => p.kring-title:fresh",
					"p[style-name='Titel'] => p.kring-title:fresh",
					...Object.entries(COLUMN_STYLES).map(([role, name]) => `p[style-name='${name}'] => p.kring-${role}:fresh`)
				],
				// Images are not imported; don't spend memory on base64 copies.
				convertImage: mammoth.images.imgElement(async () => ({ src: '' }))
			}
		);
		html = result.value;
	} catch {
		throw new ImportRefused('corrupt');
	}
	const state: ReadState = { images: 0 };
	const items = itemsOf(parseHtml(html).children, state);
	markLabelHeadings(items);
	if (!items.some((i) => itemText(i).trim())) throw new ImportRefused('empty');
	const hasHeadings = items.some(isStructureHeading);
	const hasActionTables = items.some((i) => i.kind === 'table' && bearsActions(i));
	if (!hasHeadings && !hasActionTables) throw new ImportRefused('no_structure');

	const warnings: ImportWarning[] = [];
	const detected = detectLevels(items);
	const given = options.mapping ?? {};
	const chapterLevel = given.chapterLevel !== undefined ? given.chapterLevel : detected.chapterLevel;
	const themeLevel = given.themeLevel ?? detected.themeLevel;

	// The title: a Title-styled paragraph, the document properties, a lone top heading, the file name.
	let titleIndex = items.findIndex((i) => i.kind === 'paragraph' && i.title);
	let title = titleIndex >= 0 ? (items[titleIndex] as { text: string }).text : null;
	if (title === null) {
		const top = Math.min(chapterLevel ?? themeLevel, themeLevel);
		const first = items.findIndex(isStructureHeading);
		const firstHeading = items[first] as Extract<Item, { kind: 'heading' }> | undefined;
		if (firstHeading && firstHeading.level < top && items.filter((i) => isStructureHeading(i) && i.level === firstHeading.level).length === 1) {
			titleIndex = first;
			title = firstHeading.text;
		}
	}
	title ??= (await coreTitle(bytes)) ?? (options.fileName ?? '').replace(/\.docx$/i, '').trim();
	if (!title) title = 'Geïmporteerd plan';

	const cardLabels: string[] = [];
	let twoColumnTables = 0;
	let hasApproach = false;
	for (const item of items) {
		if (item.kind !== 'table') continue;
		const card = cardTable(item.rows);
		if (card) for (const f of card.fields) if (!cardLabels.includes(f.label)) cardLabels.push(f.label);
		if (!card && levelColumns(item.rows)) twoColumnTables += 1;
	}
	const cardFields = given.cardFields !== undefined ? given.cardFields : null;
	const allowed = cardFields ? new Set(cardFields.map(norm)) : null;
	const firstColumns = items.map((i) => (i.kind === 'table' && !cardTable(i.rows) ? levelColumns(i.rows) : null)).find(Boolean);
	const mapping: ImportMapping = {
		chapterLevel,
		themeLevel,
		cardFields,
		regionalColumn: given.regionalColumn ?? (firstColumns?.regional ?? 0),
		localColumn: given.localColumn ?? (firstColumns?.local ?? 1),
		cardLevel: given.cardLevel !== undefined ? given.cardLevel : null,
		words: given.words ?? detectWords(items, [])
	};

	const intro: Block[] = [];
	const chapters: ParsedChapter[] = [];
	let chapter: ParsedChapter | null = null;
	let theme: ParsedTheme | null = null;
	let mode: 'text' | 'regional' | 'local' | 'ambassadors' = 'text';
	let orphanActions = 0;
	const skippedLabels = new Set<string>();
	const pendingIntro: { title: string; blocks: Block[] } = { title: '', blocks: [] };

	const currentChapter = (): ParsedChapter => {
		if (!chapter) {
			chapter = { title: null, themes: [] };
			chapters.push(chapter);
		}
		return chapter;
	};
	const addActions = (actions: ParsedAction[]) => {
		if (!actions.length) return;
		if (!theme) {
			// Actions before any theme heading: a theme named after the plan holds them.
			orphanActions += actions.length;
			theme = { number: null, title, blocks: [], ambassadors: [], actions: [] };
			currentChapter().themes.push(theme);
		}
		for (const action of actions) {
			if (!action.title) {
				warnings.push({ code: 'empty_action_skipped', theme: theme.title });
				continue;
			}
			theme.actions.push(action);
		}
	};
	const addText = (blocks: Block[]) => {
		if (theme) theme.blocks.push(...blocks);
		else if (chapter && chapter.title) {
			if (!pendingIntro.blocks.length) pendingIntro.title = chapter.title;
			pendingIntro.blocks.push(...blocks);
		} else intro.push(...blocks);
	};
	const flushChapterIntro = () => {
		if (!pendingIntro.blocks.length) return;
		// Kring has no text of its own per chapter: it goes to the plan's introduction, under the chapter's name.
		intro.push({ type: 'heading', level: 3, text: pendingIntro.title }, ...pendingIntro.blocks);
		warnings.push({ code: 'intro_moved', title: pendingIntro.title });
		pendingIntro.blocks = [];
	};

	for (const [index, item] of items.entries()) {
		if (index === titleIndex) continue;
		if (isStructureHeading(item) && item.level === chapterLevel) {
			flushChapterIntro();
			chapter = { title: item.text, themes: [] };
			chapters.push(chapter);
			theme = null;
			mode = 'text';
			continue;
		}
		if (isStructureHeading(item) && item.level === themeLevel) {
			flushChapterIntro();
			const { number, title: t } = themeTitle(item.text);
			theme = { number, title: t, blocks: [], ambassadors: [], actions: [] };
			currentChapter().themes.push(theme);
			mode = 'text';
			continue;
		}
		if (isStructureHeading(item) && item.level < themeLevel && item.level !== chapterLevel) {
			// A heading above the themes that is not a chapter (e.g. "Bijlagen"): its text goes to the introduction.
			flushChapterIntro();
			theme = null;
			if (chapterLevel === null) chapter = chapters[chapters.length - 1] ?? null;
			intro.push({ type: 'heading', level: 3, text: item.runs });
			mode = 'text';
			continue;
		}
		if (item.kind === 'heading' || item.kind === 'paragraph') {
			const level = levelLabel(item.text);
			if (level) {
				mode = level;
				continue;
			}
			if (isApproachLabel(item.text)) {
				if (theme) hasApproach = true;
				mode = 'text';
				continue;
			}
			const amb = AMBASSADOR.exec(item.text);
			if (amb && theme) {
				if (amb[1]) theme.ambassadors.push(...parseAmbassadors(amb[1]));
				mode = amb[1] ? 'text' : 'ambassadors';
				continue;
			}
			mode = 'text';
			addText(itemBlocks(item, item.kind === 'heading' ? Math.min(4, Math.max(3, item.level - themeLevel + 2)) : 3));
			continue;
		}
		if (item.kind === 'list') {
			if (mode === 'regional' || mode === 'local') {
				addActions(cellActions([item], mode));
			} else if (mode === 'ambassadors' && theme) {
				theme.ambassadors.push(...item.items.map((i) => textOf(i.runs)).filter(Boolean));
				mode = 'text';
			} else addText(itemBlocks(item));
			continue;
		}
		// A table.
		const card = cardTable(item.rows);
		if (card) {
			const fields: ParsedAction['fields'] = [];
			for (const f of card.fields) {
				if (allowed && !allowed.has(norm(f.label))) {
					skippedLabels.add(f.label);
					continue;
				}
				fields.push({ label: f.label, blocks: f.cell.flatMap((i) => itemBlocks(i)) });
			}
			// under a "Regionale acties" / "Lokale acties" label the document says the level; else the mapping does
			addActions([{ title: card.title, level: mode === 'regional' || mode === 'local' ? mode : mapping.cardLevel, fields }]);
			continue;
		}
		if (levelColumns(item.rows)) {
			const actions: ParsedAction[] = [];
			const regional: ParsedAction[] = [];
			const local: ParsedAction[] = [];
			for (const row of item.rows.slice(1)) {
				if (mapping.regionalColumn >= 0 && row[mapping.regionalColumn]) regional.push(...cellActions(row[mapping.regionalColumn], 'regional'));
				if (mapping.localColumn >= 0 && row[mapping.localColumn]) local.push(...cellActions(row[mapping.localColumn], 'local'));
			}
			actions.push(...regional, ...local);
			addActions(actions);
			continue;
		}
		warnings.push({ code: 'table_as_text', theme: theme?.title ?? title });
		addText(itemBlocks(item));
	}
	flushChapterIntro();

	// Without chapters, theme-level headings before the first theme with actions ("Inleiding") are the introduction.
	if (chapterLevel === null && chapters.some((c) => c.themes.some((t) => t.actions.length))) {
		const first = chapters[0];
		while (first && first.themes.length && !first.themes[0].actions.length) {
			const lead = first.themes.shift()!;
			const heading = lead.number ? `${lead.number}. ${lead.title}` : lead.title;
			intro.push({ type: 'heading', level: 3, text: heading }, ...lead.blocks);
			if (lead.ambassadors.length) intro.push({ type: 'paragraph', text: `Ambassadeurs: ${lead.ambassadors.join(', ')}` });
			warnings.push({ code: 'intro_moved', title: heading });
		}
	}

	for (const label of skippedLabels) warnings.push({ code: 'field_skipped', label });
	if (orphanActions) warnings.push({ code: 'actions_without_theme', count: orphanActions });
	if (state.images) warnings.push({ code: 'images_skipped', count: state.images });
	const themes = chapters.flatMap((c) => c.themes);
	if (!themes.length) warnings.push({ code: 'no_themes' });
	else if (!themes.some((t) => t.actions.length)) warnings.push({ code: 'no_actions' });
	// Chapters without themes carry nothing Kring can show.
	const kept = chapters.filter((c) => c.themes.length);
	if (!given.words) mapping.words = detectWords(items, themes.map((t) => t.title));

	return {
		title,
		intro,
		chapters: kept,
		warnings,
		mapping,
		found: {
			headingLevels: [...new Set(items.filter(isStructureHeading).map((h) => h.level))].sort(),
			cardLabels,
			twoColumnTables,
			hasApproach
		}
	};
}

/** The plan as the API and the preview show it: every text as plain text. */
export function toPreview(plan: ParsedPlan): ImportPreview {
	return {
		title: plan.title,
		chapters: plan.chapters.map((c) => ({
			title: c.title,
			themes: c.themes.map((t) => ({
				title: t.number ? `${t.number}. ${t.title}` : t.title,
				text: blocksText(t.blocks),
				ambassadors: t.ambassadors,
				actions: t.actions.map((a) => ({
					title: a.title,
					level: a.level,
					fields: Object.fromEntries(a.fields.map((f) => [f.label, blocksText(f.blocks)]))
				}))
			}))
		})),
		warnings: plan.warnings
	};
}

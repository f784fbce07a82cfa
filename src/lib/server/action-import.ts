import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import * as Y from 'yjs';
import { META } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import { lastPosition } from './positions.ts';
import { newActionRow, type FieldDef } from './plan.ts';
import type { WriteDocument } from './plan-seed.ts';
import { projectAction } from './projection.ts';
import { writeBlocks, type Block } from './rich-text.ts';
import type { ActionLevel } from './schema.ts';

/**
 * Import of actions into an existing plan from a CSV or XLSX table (the
 * Decidim users' most asked-for feature): the table is read into header and
 * rows, the user maps columns to the title, theme, level and card fields,
 * `previewActionImport` is the dry run (what would be created, row by row,
 * and why a row would be skipped), and `createImportedActions` creates them in
 * one transaction, every card field a Yjs document as the plan import writes.
 */

export const MAX_ACTION_ROWS = 2000;
const MAX_CELL = 20_000;

export type TableRefusal = 'empty' | 'not_table' | 'corrupt' | 'too_many_rows' | 'no_header';

export class TableRefused extends Error {
	constructor(readonly reason: TableRefusal) {
		super(reason);
	}
}

export interface ActionTable {
	headers: string[];
	rows: string[][];
}

/** RFC 4180 CSV with `;` or `,` (whichever the header line has more of, as Dutch Excel writes `;`). */
export function parseCsv(text: string): string[][] {
	const body = text.replace(/^\uFEFF/, '');
	const firstLine = body.slice(0, body.search(/\r?\n|$/));
	const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : (firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',');
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < body.length; i++) {
		const c = body[i];
		if (quoted) {
			if (c === '"' && body[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (c === '"') quoted = false;
			else cell += c;
		} else if (c === '"' && cell === '') quoted = true;
		else if (c === delimiter) {
			row.push(cell);
			cell = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && body[i + 1] === '\n') i++;
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
		} else cell += c;
	}
	if (cell !== '' || row.length) {
		row.push(cell);
		rows.push(row);
	}
	return rows;
}

function cellText(value: ExcelJS.CellValue): string {
	if (value === null || value === undefined) return '';
	if (value instanceof Date) return value.toISOString().slice(0, 10);
	if (typeof value === 'object') {
		if ('richText' in value) return value.richText.map((r) => r.text).join('');
		if ('text' in value) return String(value.text);
		if ('result' in value) return value.result === undefined || value.result === null ? '' : cellText(value.result as ExcelJS.CellValue);
		if ('error' in value) return '';
	}
	return String(value);
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** Reads an uploaded CSV or XLSX (by its content, not its name) into a header row and data rows; throws TableRefused. */
export async function readActionTable(bytes: Uint8Array): Promise<ActionTable> {
	if (!bytes.length) throw new TableRefused('empty');
	let grid: string[][];
	if (ZIP.every((b, i) => bytes[i] === b)) {
		let zip: JSZip;
		try {
			zip = await JSZip.loadAsync(bytes);
		} catch {
			throw new TableRefused('corrupt');
		}
		if (!zip.file('xl/workbook.xml')) throw new TableRefused('not_table');
		// a zip bomb: refuse what would unpack to far more than the upload
		let unpacked = 0;
		for (const entry of Object.values(zip.files)) unpacked += (entry as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;
		if (unpacked > 100 * 1024 * 1024) throw new TableRefused('corrupt');
		const book = new ExcelJS.Workbook();
		try {
			await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
		} catch {
			throw new TableRefused('corrupt');
		}
		const sheet = book.worksheets[0];
		if (!sheet) throw new TableRefused('empty');
		if (sheet.rowCount > MAX_ACTION_ROWS + 1) throw new TableRefused('too_many_rows');
		grid = [];
		sheet.eachRow({ includeEmpty: true }, (row, number) => {
			const values: string[] = [];
			for (let c = 1; c <= Math.min(row.cellCount, 100); c++) values.push(cellText(row.getCell(c).value));
			grid[number - 1] = values;
		});
		grid = Array.from(grid, (r) => r ?? []);
	} else {
		const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
		// binary files (a PDF, an image, an old .xls) are no table
		if (/[\u0000-\u0008\u000e-\u001a]/.test(text.slice(0, 4096)) || text.includes('\uFFFD')) throw new TableRefused('not_table');
		grid = parseCsv(text);
	}
	const rows = grid.map((r) => r.map((c) => c.trim().slice(0, MAX_CELL))).filter((r) => r.some(Boolean));
	if (!rows.length) throw new TableRefused('empty');
	if (rows.length > MAX_ACTION_ROWS + 1) throw new TableRefused('too_many_rows');
	const headers = rows[0].map((h, i) => h || `Kolom ${i + 1}`);
	if (rows.length < 2) throw new TableRefused('no_header');
	return { headers, rows: rows.slice(1).map((r) => headers.map((_, i) => r[i] ?? '')) };
}

// ---------------------------------------------------------------------------
// Mapping

/** Which column (0-based; -1: none) holds what. `fields` by card field key. */
export interface ActionMapping {
	title: number;
	theme: number;
	level: number;
	status: number;
	fields: Record<string, number>;
	/** for rows without a (recognised) theme or level */
	defaultThemeId: string | null;
	defaultLevel: ActionLevel;
}

const norm = (s: string) =>
	s
		.toLowerCase()
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();

const TITLE_HEADERS = ['titel', 'actie', 'naam', 'title', 'omschrijving'];
const THEME_HEADERS = ['thema', 'onderdeel', 'speerpunt', 'theme', 'vertrekpunt'];
const LEVEL_HEADERS = ['niveau', 'level', 'regionaal of lokaal', 'soort'];
const STATUS_HEADERS = ['status', 'stand'];

/** A first mapping from the header names: columns named like a card field, "Titel", "Thema", "Niveau", "Status". */
export function guessMapping(headers: string[], cardTemplate: FieldDef[], levels: { theme: string }): Omit<ActionMapping, 'defaultThemeId' | 'defaultLevel'> {
	const names = headers.map(norm);
	const used = new Set<number>();
	const find = (candidates: string[]) => {
		const i = names.findIndex((n, i) => !used.has(i) && candidates.includes(n));
		if (i >= 0) used.add(i);
		return i;
	};
	const fields: Record<string, number> = {};
	for (const f of cardTemplate) {
		const i = names.findIndex((n, i) => !used.has(i) && n === norm(f.label));
		if (i >= 0) {
			used.add(i);
			fields[f.key] = i;
		}
	}
	const title = find(TITLE_HEADERS);
	const theme = find([...THEME_HEADERS, norm(levels.theme)]);
	const level = find(LEVEL_HEADERS);
	const status = find(STATUS_HEADERS);
	return { title: title >= 0 ? title : 0, theme, level, status, fields };
}

// ---------------------------------------------------------------------------
// Dry run

export type RowProblem = 'no_title' | 'unknown_theme' | 'unknown_level' | 'unknown_status' | 'title_too_long';

export interface PreviewRow {
	/** the row's number in the file (the header is row 1) */
	line: number;
	title: string;
	themeId: string | null;
	themeTitle: string | null;
	level: ActionLevel;
	status: string;
	fields: { key: string; label: string; text: string }[];
	problems: RowProblem[];
}

export interface ImportTheme {
	id: string;
	number: string | null;
	title: string;
}

const LEVEL_WORDS: Record<string, ActionLevel> = { regionaal: 'regional', regionale: 'regional', regio: 'regional', regional: 'regional', lokaal: 'local', lokale: 'local', gemeente: 'local', local: 'local' };
const STATUS_WORDS: Record<string, string> = {
	'niet gestart': 'not_started',
	'nog niet gestart': 'not_started',
	'in uitvoering': 'in_progress',
	'loopt': 'in_progress',
	'risico': 'at_risk',
	'vertraagd': 'at_risk',
	'afgerond': 'done',
	'klaar': 'done',
	'doorlopend': 'ongoing',
	'gestopt': 'dropped',
	'vervallen': 'dropped'
};

function matchTheme(value: string, themes: ImportTheme[]): ImportTheme | null {
	const v = norm(value);
	if (!v) return null;
	return (
		themes.find((t) => norm(t.title) === v) ??
		themes.find((t) => t.number !== null && (norm(t.number) === v || norm(`${t.number} ${t.title}`) === v)) ??
		null
	);
}

/** What the import would create, row by row: the dry run. Nothing is written. */
export function previewActionImport(table: ActionTable, mapping: ActionMapping, themes: ImportTheme[], cardTemplate: FieldDef[]): PreviewRow[] {
	const defaultTheme = themes.find((t) => t.id === mapping.defaultThemeId) ?? null;
	const at = (row: string[], col: number) => (col >= 0 ? (row[col] ?? '').trim() : '');
	return table.rows.map((row, i) => {
		const problems: RowProblem[] = [];
		const title = at(row, mapping.title).replace(/\s+/g, ' ');
		if (!title) problems.push('no_title');
		if (title.length > 500) problems.push('title_too_long');
		const themeValue = at(row, mapping.theme);
		const theme = themeValue ? matchTheme(themeValue, themes) : defaultTheme;
		if (!theme) problems.push('unknown_theme');
		const levelValue = norm(at(row, mapping.level));
		const level = levelValue ? LEVEL_WORDS[levelValue.split(' ')[0]] : mapping.defaultLevel;
		if (!level) problems.push('unknown_level');
		const statusValue = norm(at(row, mapping.status));
		const status = statusValue ? STATUS_WORDS[statusValue] ?? (/^(not started|in progress|at risk|done|ongoing|dropped)$/.test(statusValue) ? statusValue.replace(' ', '_') : undefined) : 'not_started';
		if (!status) problems.push('unknown_status');
		return {
			line: i + 2,
			title,
			themeId: theme?.id ?? null,
			themeTitle: theme ? (theme.number ? `${theme.number}. ${theme.title}` : theme.title) : null,
			level: level ?? mapping.defaultLevel,
			status: status ?? 'not_started',
			fields: cardTemplate.filter((f) => mapping.fields[f.key] !== undefined && mapping.fields[f.key] >= 0).map((f) => ({ key: f.key, label: f.label, text: at(row, mapping.fields[f.key]) })).filter((f) => f.text),
			problems
		};
	});
}

// ---------------------------------------------------------------------------
// Creating

/** A cell's text as paragraphs, lines starting with "-", "*" or "•" as a bullet list. */
export function textBlocks(text: string): Block[] {
	const blocks: Block[] = [];
	let list: string[] | null = null;
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.trim();
		const bullet = /^[-*•]\s+(.+)$/.exec(line);
		if (bullet) {
			if (!list) {
				list = [];
				blocks.push({ type: 'bulletList', items: list });
			}
			list.push(bullet[1]);
			continue;
		}
		list = null;
		if (line) blocks.push({ type: 'paragraph', text: line.replace(/\*\*/g, '') });
	}
	return blocks;
}

/**
 * Creates the rows without problems as actions at the end of their themes, in
 * one transaction; regional plans' local actions get an adoption row per
 * gemeente, as a new action does. Returns the new ids.
 */
export async function createImportedActions(
	db: Db,
	input: { planId: string; rows: PreviewRow[]; cardTemplate: FieldDef[] },
	writeDocument: WriteDocument
): Promise<string[]> {
	const rows = input.rows.filter((r) => !r.problems.length && r.themeId);
	return db.transaction().execute(async (trx) => {
		const plan = await trx.selectFrom('plans').select(['scope', 'region_id']).where('id', '=', input.planId).executeTakeFirstOrThrow();
		const municipalities = plan.scope === 'region' ? await trx.selectFrom('municipalities').select('id').where('region_id', '=', plan.region_id).execute() : [];
		const positions = new Map<string, number>();
		const out: string[] = [];
		const now = Date.now();
		for (const row of rows) {
			const themeId = row.themeId!;
			if (!positions.has(themeId)) {
				positions.set(themeId, await lastPosition(trx, 'actions', themeId));
			}
			const position = positions.get(themeId)! + 1;
			positions.set(themeId, position);
			const id = newId();
			await trx.insertInto('actions').values(newActionRow({ id, planId: input.planId, themeId, position, level: row.level, title: row.title }, now)).execute();
			const doc = new Y.Doc();
			doc.transact(() => {
				const meta = doc.getMap(META);
				meta.set('title', row.title);
				meta.set('status', row.status);
				meta.set('partners', []);
				meta.set('tags', []);
				meta.set('progress', row.status === 'done' ? 100 : 0);
				for (const f of row.fields) writeBlocks(doc.getXmlFragment(f.key), textBlocks(f.text));
			});
			await projectAction(trx, id, doc, input.cardTemplate.map((f) => f.key));
			// on the same connection as the transaction (as the plan import writes): rows and documents land together
			await writeDocument(docName({ kind: 'action', id }), Y.encodeStateAsUpdate(doc));
			doc.destroy();
			if (row.level === 'local' && municipalities.length) {
				await trx
					.insertInto('local_adoptions')
					.values(municipalities.map((m) => ({ action_id: id, municipality_id: m.id, status: 'not_started' as const, note: '', updated_at: now, updated_by: null })))
					.execute();
			}
			out.push(id);
		}
		return out;
	});
}

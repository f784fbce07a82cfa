import ExcelJS from 'exceljs';
import type { UserRoles } from './access.ts';
import type { Db } from './db.ts';
import { getBudget } from './budget.ts';
import { monthDate, themeHeading, type ExportWords } from './export-format.ts';
import { listIndicators } from './indicators.ts';
import type { PlanDocument } from './plan-document.ts';
import { getMatrix, getPlan } from './plan.ts';
import { richPlainText } from './rich-doc.ts';
import { listCycles, listDecisions } from './review.ts';

/**
 * A plan as a workbook for the people who count: its actions (a column per
 * card field as plain text, costs as numbers in euros, planning as dates,
 * status in Dutch), the local-adoption matrix, the evaluation decisions, the
 * budget and the indicators. Every sheet has a frozen header row and an
 * autofilter, so it sorts and filters in Excel and LibreOffice at once.
 */

export interface XlsxWords extends ExportWords {
	sheets: { actions: string; matrix: string; decisions: string; budget: string; indicators: string };
	col: {
		chapter: string;
		number: string;
		theme: string;
		level: string;
		action: string;
		status: string;
		start: string;
		end: string;
		lead: string;
		municipality: string;
		cost: string;
		funding: string;
		fundingNote: string;
		progress: string;
		cycle: string;
		verdict: string;
		decisionText: string;
		decidedBy: string;
		decidedAt: string;
		later: string;
		source: string;
		scope: string;
		total: string;
		allocated: string;
		note: string;
		unfunded: string;
		indicator: string;
		unit: string;
		indicatorSource: string;
		year: string;
		subregion: string;
		value: string;
	};
	levelLabel: (level: 'regional' | 'local') => string;
	verdictLabel: (verdict: string | null) => string;
	yes: string;
}

const EURO = '"€" #,##0';
const MONTH = '[$-413]mmmm yyyy';
const DAY = '[$-413]d mmmm yyyy';

function sheet(book: ExcelJS.Workbook, name: string, columns: { header: string; width?: number; numFmt?: string }[]) {
	const ws = book.addWorksheet(name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
	ws.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 18, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
	ws.getRow(1).font = { bold: true };
	ws.getRow(1).alignment = { vertical: 'top', wrapText: true };
	return ws;
}

function finish(ws: ExcelJS.Worksheet) {
	ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, ws.rowCount), column: ws.columnCount } };
}

export async function renderPlanXlsx(db: Db, doc: PlanDocument, roles: UserRoles, words: XlsxWords): Promise<Buffer> {
	const book = new ExcelJS.Workbook();
	book.creator = 'Kring';
	book.title = doc.title;
	book.created = new Date();
	const { col } = words;

	const actions = sheet(book, words.sheets.actions, [
		{ header: col.chapter, width: 24 },
		{ header: col.number, width: 8 },
		{ header: col.theme, width: 28 },
		{ header: col.level, width: 11 },
		{ header: col.action, width: 40 },
		...doc.cardTemplate.map((f) => ({ header: f.label, width: 48 })),
		{ header: col.status, width: 16 },
		{ header: col.start, width: 15, numFmt: MONTH },
		{ header: col.end, width: 15, numFmt: MONTH },
		{ header: col.lead, width: 20 },
		{ header: col.municipality, width: 16 },
		{ header: col.cost, width: 14, numFmt: EURO },
		{ header: col.funding, width: 24 },
		{ header: col.fundingNote, width: 30 },
		{ header: col.progress, width: 10 }
	]);
	const titles = new Map<string, string>();
	for (const chapter of doc.chapters) {
		for (const theme of chapter.themes) {
			for (const a of [...theme.regional, ...theme.local]) {
				titles.set(a.id, a.title);
				actions.addRow([
					chapter.title,
					theme.number ?? '',
					theme.title,
					words.levelLabel(a.level),
					a.title,
					...a.fields.map((f) => richPlainText(f.rich)),
					words.statusLabel(a.status),
					monthDate(a.planningStart),
					a.planningEnd === 'ongoing' ? words.ongoing : monthDate(a.planningEnd),
					a.lead ?? '',
					a.municipality ?? '',
					a.costAmount,
					a.funding ?? '',
					a.fundingNote ?? '',
					a.progress
				]);
			}
		}
	}
	actions.eachRow((row, n) => {
		if (n > 1) row.alignment = { vertical: 'top', wrapText: true };
	});
	finish(actions);

	const plan = await getPlan(db, doc.planId);
	if (plan) {
		const matrix = await getMatrix(db, plan, roles);
		if (matrix.rows.length) {
			const ws = sheet(book, words.sheets.matrix, [
				{ header: col.theme, width: 28 },
				{ header: col.action, width: 40 },
				...matrix.municipalities.map((m) => ({ header: m.name, width: 16 }))
			]);
			for (const row of matrix.rows)
				ws.addRow([
					themeHeading({ number: row.themeNumber, title: row.themeTitle }),
					row.title,
					...matrix.municipalities.map((m) => words.statusLabel(row.cells[m.id]?.status ?? 'not_started'))
				]);
			finish(ws);
		}
	}

	const cycles = await listCycles(db, doc.planId);
	const decisions = (await Promise.all(cycles.map(async (c) => ({ cycle: c, rows: await listDecisions(db, c.id) })))).filter((c) => c.rows.length);
	if (decisions.length) {
		const ws = sheet(book, words.sheets.decisions, [
			{ header: col.cycle, width: 24 },
			{ header: col.action, width: 40 },
			{ header: col.verdict, width: 14 },
			{ header: col.later, width: 10 },
			{ header: col.decisionText, width: 48 },
			{ header: col.decidedBy, width: 20 },
			{ header: col.decidedAt, width: 16, numFmt: DAY }
		]);
		for (const { cycle, rows } of decisions)
			for (const d of rows)
				ws.addRow([
					cycle.title,
					titles.get(d.actionId) ?? '',
					d.verdict ? words.verdictLabel(d.verdict) : words.verdictLabel(null),
					d.deferred ? words.yes : '',
					d.decisionText,
					d.decidedByName,
					new Date(d.decidedAt)
				]);
		finish(ws);
	}

	const budget = await getBudget(db, doc.planId);
	{
		const ws = sheet(book, words.sheets.budget, [
			{ header: col.source, width: 32 },
			{ header: col.scope, width: 11 },
			...budget.years.map((y) => ({ header: String(y), width: 14, numFmt: EURO })),
			{ header: col.total, width: 14, numFmt: EURO },
			{ header: col.allocated, width: 16, numFmt: EURO },
			{ header: col.note, width: 40 }
		]);
		for (const s of budget.sources)
			ws.addRow([s.name, words.levelLabel(s.scope), ...budget.years.map((y) => s.amounts[y] ?? null), s.total, s.allocated, s.note ?? '']);
		for (const a of budget.unfunded) ws.addRow([`${col.unfunded}: ${a.title}`, '', ...budget.years.map(() => null), null, a.cost, '']);
		finish(ws);
	}

	const indicators = await listIndicators(db, doc.planId);
	{
		const ws = sheet(book, words.sheets.indicators, [
			{ header: col.indicator, width: 40 },
			{ header: col.unit, width: 12 },
			{ header: col.indicatorSource, width: 20 },
			{ header: col.year, width: 8 },
			{ header: col.municipality, width: 16 },
			{ header: col.subregion, width: 16 },
			{ header: col.value, width: 12 }
		]);
		for (const i of indicators)
			for (const v of i.values) ws.addRow([i.name, i.unit, i.source, v.year, v.subregion ? '' : (v.place ?? ''), v.subregion ?? '', v.value]);
		finish(ws);
	}

	return Buffer.from(await book.xlsx.writeBuffer());
}

import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import ExcelJS from 'exceljs';
import type { ResponseRow } from './responses.ts';

/**
 * The council responses register of a version as Word (per gemeente a
 * heading and a table: response, about, answer, what was done) and as Excel
 * (one row per response, frozen header, autofilter). The words come from
 * the caller, so this file holds no Dutch of its own.
 */

export interface ResponseExportWords {
	title: string;
	subtitle: string;
	municipality: string;
	body: string;
	date: string;
	text: string;
	about: string;
	answer: string;
	outcome: string;
	reason: string;
	sheet: string;
	bodyLabel: (body: ResponseRow['body']) => string;
	outcomeLabel: (outcome: ResponseRow['outcome']) => string;
	dayLabel: (day: string) => string;
	municipalityHeading: (name: string) => string;
}

const about = (r: ResponseRow) => r.targets.map((t) => `${t.number ? `${t.number}. ` : ''}${t.title}`).join('; ');
const outcomeText = (r: ResponseRow, w: ResponseExportWords) => `${w.outcomeLabel(r.outcome)}${r.outcomeReason ? `: ${r.outcomeReason}` : ''}`;

function cell(text: string, bold = false): TableCell {
	return new TableCell({ children: text.split('\n').map((line) => new Paragraph({ children: [new TextRun({ text: line, bold })] })) });
}

export async function renderResponsesDocx(responses: ResponseRow[], w: ResponseExportWords): Promise<Buffer> {
	const children: (Paragraph | Table)[] = [
		new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(w.title)] }),
		new Paragraph({ children: [new TextRun(w.subtitle)] })
	];
	const names = [...new Set(responses.map((r) => r.municipalityName))];
	for (const name of names) {
		children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(w.municipalityHeading(name))] }));
		const rows = [
			new TableRow({ tableHeader: true, children: [cell(w.text, true), cell(w.about, true), cell(w.answer, true), cell(w.outcome, true)] }),
			...responses
				.filter((r) => r.municipalityName === name)
				.map(
					(r) =>
						new TableRow({
							children: [cell(`${w.bodyLabel(r.body)}, ${w.dayLabel(r.receivedOn)}\n${r.text}`), cell(about(r)), cell(r.answer), cell(outcomeText(r, w))]
						})
				)
		];
		children.push(new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } }));
	}
	const doc = new Document({
		creator: 'Kring',
		title: w.title,
		styles: { default: { document: { run: { font: 'Calibri', size: 22 } } } },
		sections: [{ properties: {}, children }]
	});
	return Packer.toBuffer(doc);
}

export async function renderResponsesXlsx(responses: ResponseRow[], w: ResponseExportWords): Promise<Buffer> {
	const book = new ExcelJS.Workbook();
	book.creator = 'Kring';
	const sheet = book.addWorksheet(w.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
	sheet.columns = [
		{ header: w.municipality, key: 'municipality', width: 18 },
		{ header: w.body, key: 'body', width: 18 },
		{ header: w.date, key: 'date', width: 12 },
		{ header: w.text, key: 'text', width: 60 },
		{ header: w.about, key: 'about', width: 40 },
		{ header: w.answer, key: 'answer', width: 60 },
		{ header: w.outcome, key: 'outcome', width: 14 },
		{ header: w.reason, key: 'reason', width: 40 }
	];
	sheet.getRow(1).font = { bold: true };
	for (const r of responses) {
		const row = sheet.addRow({
			municipality: r.municipalityName,
			body: w.bodyLabel(r.body),
			date: new Date(`${r.receivedOn}T00:00:00Z`),
			text: r.text,
			about: about(r),
			answer: r.answer,
			outcome: w.outcomeLabel(r.outcome),
			reason: r.outcomeReason
		});
		row.getCell('date').numFmt = 'dd-mm-yyyy';
		row.alignment = { vertical: 'top', wrapText: true };
	}
	sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 8 } };
	return Buffer.from(await book.xlsx.writeBuffer());
}

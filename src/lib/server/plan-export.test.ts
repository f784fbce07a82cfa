import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { exportWords } from '../export-words.ts';
import { docName } from '../doc-name.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { buildPlanDocument, buildVersionDocument } from './plan-document.ts';
import { renderPlanDocx } from './plan-docx.ts';
import { renderPlanHtml } from './plan-html.ts';
import { closePdfBrowser, pdfRenderer, renderPdf } from './plan-pdf.ts';
import { renderPlanXlsx } from './plan-xlsx.ts';
import { fragmentToJson, richPlainText, richToHtml } from './rich-doc.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getUserByEmail } from './user.ts';
import { getVersion, insertVersion, takeSnapshot } from './version.ts';

let t: TestDatabase;
const docs = new Map<string, Uint8Array>();
const readDocument = async (name: string) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc());
const words = exportWords();

const NOG = 'noord-oost-gelderland-uitvoeringsagenda-2024-2028';
const ARNHEM = 'arnhem-uitvoeringsplan-2024-2028';
const SAMEN_VEILIG = 'arnhem-achterhoek-samen-veilig-2019-2022';

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, (name, update) => docs.set(name, update));
});
afterAll(async () => {
	await closePdfBrowser();
	await t.close();
});

async function planId(slug: string) {
	return (await t.db.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}
async function readerRoles() {
	return loadUserRoles(t.db, (await getUserByEmail(t.db, 'lezer@kring.example'))!.id);
}
async function planDoc(slug: string) {
	return (await buildPlanDocument(t.db, await planId(slug), await readerRoles(), readDocument))!;
}
/** A heading as mammoth writes it, with the bookmark the table of contents links to. */
function heading(level: number, text: string): RegExp {
	return new RegExp(`<h${level}>(<a id="_Toc\\d+"></a>)?${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</h${level}>`);
}
/** Edits a stored document the way a client's update would land. */
function editDocument(name: string, fn: (doc: Y.Doc) => void) {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, docs.get(name)!);
	fn(doc);
	docs.set(name, Y.encodeStateAsUpdate(doc));
	doc.destroy();
}

describe('rich text from Yjs', () => {
	it('becomes ProseMirror JSON with headings, lists, marks, links and hard breaks', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('f');
		const h = new Y.XmlElement('heading');
		h.setAttribute('level', '2' as never);
		h.insert(0, [new Y.XmlText('Kop')]);
		const p = new Y.XmlElement('paragraph');
		const text = new Y.XmlText();
		text.insert(0, 'vet', { bold: {} });
		text.insert(3, ' en ', {});
		text.insert(7, 'link', { link: { href: 'https://example.nl' } });
		p.insert(0, [text, new Y.XmlElement('hardBreak')]);
		const list = new Y.XmlElement('orderedList');
		const li = new Y.XmlElement('listItem');
		const lp = new Y.XmlElement('paragraph');
		lp.insert(0, [new Y.XmlText('eerste')]);
		li.insert(0, [lp]);
		list.insert(0, [li]);
		fragment.insert(0, [h, p, list]);
		const json = fragmentToJson(fragment);
		expect(json.content?.[0]).toEqual({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Kop' }] });
		expect(json.content?.[1].content?.[0]).toEqual({ type: 'text', text: 'vet', marks: [{ type: 'bold' }] });
		expect(json.content?.[1].content?.[2]).toEqual({ type: 'text', text: 'link', marks: [{ type: 'link', attrs: { href: 'https://example.nl' } }] });
		expect(json.content?.[1].content?.[3]).toEqual({ type: 'hardBreak' });
		expect(richToHtml(json, { headingOffset: 2 })).toBe(
			'<h4>Kop</h4><p><strong>vet</strong> en <a href="https://example.nl">link</a><br></p><ol><li><p>eerste</p></li></ol>'
		);
		expect(richPlainText(json)).toBe('Kop\nvet en link\neerste');
	});

	it('stops at a bounded depth instead of overflowing the stack', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('f');
		let outer = new Y.XmlElement('blockquote');
		fragment.insert(0, [outer]);
		for (let i = 0; i < 200; i++) {
			const inner = new Y.XmlElement('blockquote');
			outer.insert(0, [inner]);
			outer = inner;
		}
		outer.insert(0, [new Y.XmlText('diep')]);
		const json = fragmentToJson(fragment);
		expect(richPlainText(json)).toBe('');
		expect(() => richToHtml(json)).not.toThrow();
	});

	it('drops links that are not http(s) or mailto', () => {
		const html = richToHtml({
			type: 'doc',
			content: [{ type: 'paragraph', content: [{ type: 'text', text: 'klik', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }]
		});
		expect(html).toBe('<p>klik</p>');
	});
});

describe('DOCX', () => {
	it('has chapters as Heading 1, themes as Heading 2, action cards as tables and the text of the plan', async () => {
		const doc = await planDoc(NOG);
		expect(doc.layout).toBe('cards');
		const buffer = await renderPlanDocx(doc, words);
		const { value: html } = await mammoth.convertToHtml({ buffer });
		const chapter = doc.chapters.find((c) => c.title)!;
		const theme = chapter.themes[0];
		expect(html).toMatch(heading(1, chapter.title));
		expect(html).toMatch(heading(2, `${theme.number ? `${theme.number} ` : ''}${theme.title}`));
		expect(html).toContain('<table>');
		const action = doc.chapters.flatMap((c) => c.themes).flatMap((th) => [...th.regional, ...th.local])[0];
		const { value: text } = await mammoth.extractRawText({ buffer });
		expect(text).toContain(action.title);
		expect(text).toContain(doc.title);
		expect(text).toContain('Inhoud');
		expect(text).toContain('Ambassadeurs');
		// every action of the plan is in it
		for (const a of doc.chapters.flatMap((c) => c.themes).flatMap((th) => [...th.regional, ...th.local])) expect(text).toContain(a.title);
	});

	it('makes themes Heading 1 in a plan without named chapters, with costs as € 155.000', async () => {
		const doc = await planDoc(ARNHEM);
		expect(doc.chapters.every((c) => !c.title)).toBe(true);
		const buffer = await renderPlanDocx(doc, words);
		const { value: html } = await mammoth.convertToHtml({ buffer });
		const theme = doc.chapters[0].themes[0];
		expect(html).toMatch(heading(1, `${theme.number ? `${theme.number} ` : ''}${theme.title}`));
		const h1 = [...html.matchAll(/<h1>(?:<a id="_Toc\d+"><\/a>)?([^<]*)<\/h1>/g)].map((m) => m[1]);
		expect(h1.filter((h) => h !== 'Inleiding')).toEqual(doc.chapters[0].themes.map((th) => `${th.number ? `${th.number} ` : ''}${th.title}`));
		expect(html).toContain('€ 155.000');
	});

	it('puts regional and local actions in two columns for a plan with a short card template', async () => {
		const doc = await planDoc(SAMEN_VEILIG);
		expect(doc.layout).toBe('columns');
		const { value: html } = await mammoth.convertToHtml({ buffer: await renderPlanDocx(doc, words) });
		expect(html).toContain(
			'<table><thead><tr><th><p><strong>Regionale acties</strong></p></th><th><p><strong>Lokale acties</strong></p></th></tr></thead>'
		);
	});

	it('is Dutch (w:lang nl-NL), made by Kring, with the plan title and page numbers', async () => {
		const doc = await planDoc(NOG);
		const zip = await JSZip.loadAsync(await renderPlanDocx(doc, words));
		const xml = await zip.file('word/document.xml')!.async('string');
		expect(xml).toContain('<w:lang w:val="nl-NL"/>');
		expect(xml).toMatch(/<w:sdt>.*Table of Contents.*TOC \\h \\o &quot;1-2&quot;/s);
		const core = await zip.file('docProps/core.xml')!.async('string');
		expect(core).toContain(`<dc:title>${doc.title}</dc:title>`);
		expect(core).toContain('<dc:creator>Kring</dc:creator>');
		const footers = Object.keys(zip.files).filter((f) => /^word\/footer\d+\.xml$/.test(f));
		const footer = await zip.file(footers[0])!.async('string');
		expect(footer).toContain('PAGE');
	});

	it('keeps bold, italic, links and lists of a card field', async () => {
		const id = await planId(NOG);
		const action = await t.db.selectFrom('actions').select('id').where('plan_id', '=', id).orderBy('position').executeTakeFirstOrThrow();
		editDocument(docName({ kind: 'action', id: action.id }), (d) => {
			const fragment = d.getXmlFragment('description');
			fragment.delete(0, fragment.length);
			const p = new Y.XmlElement('paragraph');
			const text = new Y.XmlText();
			text.insert(0, 'Belangrijk', { bold: {} });
			text.insert(10, ' en ', {});
			text.insert(14, 'schuin', { italic: {} });
			text.insert(20, ' zie ', {});
			text.insert(25, 'de website', { link: { href: 'https://www.veiligthuis.nl' } });
			p.insert(0, [text]);
			const list = new Y.XmlElement('bulletList');
			list.insert(
				0,
				['een', 'twee'].map((s) => {
					const li = new Y.XmlElement('listItem');
					const lp = new Y.XmlElement('paragraph');
					lp.insert(0, [new Y.XmlText(s)]);
					li.insert(0, [lp]);
					return li;
				})
			);
			fragment.insert(0, [p, list]);
		});
		const { value: html } = await mammoth.convertToHtml({ buffer: await renderPlanDocx(await planDoc(NOG), words) });
		expect(html).toContain('<strong>Belangrijk</strong> en <em>schuin</em> zie <a href="https://www.veiligthuis.nl">de website</a>');
		expect(html).toMatch(/<ul><li>een<\/li><li>twee<\/li><\/ul>/);
	});

	it('of a version has its name and adoption date on the cover and its rich text from the frozen state', async () => {
		const id = await planId(NOG);
		const snapshot = (await takeSnapshot(t.db, id, readDocument, { withState: true }))!;
		const creator = (await getUserByEmail(t.db, 'beheerder@kring.example'))!.id;
		const versionId = await insertVersion(t.db, {
			planId: id,
			cycleId: null,
			label: 'Vastgesteld door het college',
			adoptedAt: Date.UTC(2025, 2, 12, 12),
			snapshot,
			createdBy: creator
		});
		const doc = (await buildVersionDocument(t.db, (await getVersion(t.db, versionId))!))!;
		const buffer = await renderPlanDocx(doc, words);
		const { value: text } = await mammoth.extractRawText({ buffer });
		expect(text).toContain('Versie: Vastgesteld door het college');
		expect(text).toContain('Vastgesteld op 12 maart 2025');
		const { value: html } = await mammoth.convertToHtml({ buffer });
		expect(html).toContain('<strong>Belangrijk</strong>');
		expect(html).toMatch(heading(1, doc.chapters.find((c) => c.title)!.title));
	});

	it('of a version without Yjs state uses its plain text', async () => {
		const id = await planId(SAMEN_VEILIG);
		const snapshot = (await takeSnapshot(t.db, id, readDocument, { withState: false }))!;
		const field = snapshot.themes.flatMap((th) => th.actions).find((a) => Object.values(a.fields).some(Boolean))!;
		const line = Object.values(field.fields).find(Boolean)!.split('\n')[0];
		const creator = (await getUserByEmail(t.db, 'beheerder@kring.example'))!.id;
		const versionId = await insertVersion(t.db, { planId: id, cycleId: null, label: '2020', adoptedAt: Date.now(), snapshot, createdBy: creator });
		const doc = (await buildVersionDocument(t.db, (await getVersion(t.db, versionId))!))!;
		const { value: text } = await mammoth.extractRawText({ buffer: await renderPlanDocx(doc, words) });
		expect(text).toContain(line);
	});
});

describe('XLSX', () => {
	it('has a frozen, filtered header, a column per card field, costs as numbers in euros and planning as dates', async () => {
		const doc = await planDoc(ARNHEM);
		const buffer = await renderPlanXlsx(t.db, doc, await readerRoles(), words);
		const book = new ExcelJS.Workbook();
		await book.xlsx.load(buffer as unknown as ArrayBuffer);
		const sheet = book.getWorksheet('Acties')!;
		expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
		expect(sheet.autoFilter).toBeTruthy();
		const header = (sheet.getRow(1).values as unknown[]).slice(1);
		for (const field of doc.cardTemplate) expect(header).toContain(field.label);
		const costCol = header.indexOf('Kosten (euro)') + 1;
		const costs = sheet.getColumn(costCol).values.slice(2).filter((v) => v !== null && v !== undefined);
		expect(costs).toContain(155000);
		expect(costs.every((v) => typeof v === 'number')).toBe(true);
		const costCell = sheet.getColumn(costCol).values.indexOf(155000);
		expect(sheet.getRow(costCell).getCell(costCol).numFmt).toContain('€');
		const startCol = header.indexOf('Start') + 1;
		const starts = sheet.getColumn(startCol).values.slice(2).filter(Boolean);
		expect(starts.length).toBeGreaterThan(0);
		expect(starts.every((v) => v instanceof Date)).toBe(true);
		const statusCol = header.indexOf('Status') + 1;
		expect(['Niet gestart', 'In uitvoering', 'Vertraagd', 'Afgerond', 'Doorlopend', 'Verlaten'].some((s) =>
			(sheet.getColumn(statusCol).values as unknown[]).some((v) => typeof v === 'string' && v.startsWith(s.slice(0, 4)))
		)).toBe(true);
		expect(book.getWorksheet('Begroting')).toBeTruthy();
		expect(book.getWorksheet('Indicatoren')).toBeTruthy();
	});

	it('has the local-adoption matrix of a regional plan with a gemeente per column', async () => {
		const doc = await planDoc(NOG);
		const book = new ExcelJS.Workbook();
		await book.xlsx.load((await renderPlanXlsx(t.db, doc, await readerRoles(), words)) as unknown as ArrayBuffer);
		const matrix = book.getWorksheet('Lokale uitvoering')!;
		expect(matrix.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
		const gemeenten = await t.db
			.selectFrom('municipalities')
			.innerJoin('regions', 'regions.id', 'municipalities.region_id')
			.select('municipalities.name')
			.where('regions.slug', '=', 'noord-oost-gelderland')
			.execute();
		expect((matrix.getRow(1).values as unknown[]).length - 1).toBe(2 + gemeenten.length);
		expect(matrix.rowCount - 1).toBe(doc.chapters.flatMap((c) => c.themes).flatMap((th) => th.local).length);
	});
});

const pdf = await pdfRenderer(process.env);

describe.skipIf(!pdf)('PDF', () => {
	it('is tagged, has pages, bookmarks and the plan text', { timeout: 60_000 }, async () => {
		const doc = await planDoc(NOG);
		const bytes = await renderPdf(pdf!, renderPlanHtml(doc, words), { footer: words.page });
		const dir = mkdtempSync(join(tmpdir(), 'kring-pdf-'));
		try {
			const file = join(dir, 'plan.pdf');
			writeFileSync(file, bytes);
			const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
			expect(info).toMatch(/Tagged:\s+yes/);
			expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThan(3);
			const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
			expect(text).toContain(doc.title);
			expect(text).toContain(doc.chapters.find((c) => c.title)!.themes[0].title);
			// page numbers (a CSS page-margin box), bookmarks from the headings, the document's language
			expect(text).toMatch(new RegExp(`${words.page} 2\\b`));
			expect(bytes.includes('/Outlines')).toBe(true);
			expect(bytes.toString('latin1')).toMatch(/\/Lang \(nl\)/);
			const outline = execFileSync('pdfinfo', ['-struct', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
			expect(outline).toMatch(/H1/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { expectAccessible, login, NOG_PLAN, planBySlug } from './fixtures';

/** Issue 14: every export of the plan page downloads for a reader of the region; nobody else gets one. */

test('a reader downloads the plan as CSV, Word, Excel and PDF from the plan page', async ({ page }) => {
	test.setTimeout(90_000);
	await login(page, 'viewer');
	const plan = await planBySlug(page, NOG_PLAN);
	await page.goto(`/plannen/${plan.id}`);
	await expectAccessible(page);
	const download = async (name: string) => {
		const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('link', { name, exact: true }).click()]);
		return { name: file.suggestedFilename(), path: (await file.path())! };
	};
	const csv = await download('Acties als CSV (Excel)');
	expect(csv.name).toMatch(/-acties\.csv$/);
	const indicators = await download('Indicatoren als CSV (Excel)');
	expect(indicators.name).toMatch(/-indicatoren\.csv$/);

	const docx = await download('Plan als Word (DOCX)');
	expect(docx.name).toMatch(/^samen-tegen-huiselijk-geweld.*\.docx$/);
	const docxBytes = await readFile(docx.path);
	expect(docxBytes.subarray(0, 2).toString()).toBe('PK');
	const mammoth = (await import('mammoth')).default;
	const { value: html } = await mammoth.convertToHtml({ buffer: docxBytes });
	expect(html).toMatch(/<h1>(<a id="_Toc\d+"><\/a>)?Onze uitgangspunten<\/h1>/);
	expect(html).toMatch(/<h2>(<a id="_Toc\d+"><\/a>)?[^<]*Sterke lokale teams<\/h2>/);
	expect(html).toContain('<table>');

	const xlsx = await download('Plan als Excel (XLSX)');
	expect(xlsx.name).toMatch(/\.xlsx$/);
	const ExcelJS = (await import('exceljs')).default;
	const book = new ExcelJS.Workbook();
	await book.xlsx.readFile(xlsx.path);
	expect(book.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['Acties', 'Lokale uitvoering', 'Begroting', 'Indicatoren']));
	expect(book.getWorksheet('Acties')!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

	const pdf = await download('Plan als PDF');
	expect(pdf.name).toMatch(/\.pdf$/);
	const info = execFileSync('pdfinfo', [pdf.path], { encoding: 'utf8' });
	expect(info).toMatch(/Tagged:\s+yes/);
	expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThan(3);
	const text = execFileSync('pdftotext', [pdf.path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
	expect(text).toContain('Sterke lokale teams');
});

test('someone outside the region, or a version that does not exist, gets 404 for every export', async ({ page, browser }) => {
	await login(page, 'viewer');
	const plan = await planBySlug(page, NOG_PLAN);
	const stranger = await browser.newContext();
	const other = await stranger.newPage();
	// Ruben Mulder reads Arnhem-Achterhoek only: Noord-Oost Gelderland's plan does not exist for him
	await login(other, 'arnhem');
	for (const file of ['plan.docx', 'plan.xlsx', 'plan.pdf', 'acties.csv']) {
		expect((await other.request.get(`/plannen/${plan.id}/export/${file}`)).status(), file).toBe(404);
	}
	for (const file of ['versie.docx', 'versie.pdf']) {
		expect((await page.request.get(`/versies/bestaatniet/export/${file}`)).status(), file).toBe(404);
	}
	await stranger.close();
	// signed out: sent to the login page, never the file
	const anonymous = await browser.newContext();
	const response = await anonymous.request.get(`/plannen/${plan.id}/export/plan.docx`, { maxRedirects: 0 });
	expect([302, 303, 401, 404]).toContain(response.status());
	await anonymous.close();
});

import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import mammoth from 'mammoth';
import { expectAccessible, login, planBySlug, SAMEN_VEILIG_PLAN } from './fixtures.ts';

/**
 * Issue 19: from draft to adopted. On Samen Veilig (2019-2022): an editor
 * freezes a version for the colleges, records three colleges' decisions and
 * sees the count; adds two council responses linked to actions, answers one,
 * sees it on the action card and exports the register; sets the focus of a
 * year and filters the board on it. Rights and bad input are refused in
 * Dutch with nothing changed; every new page passes axe and fits 320 px.
 */

const NORM = 'De norm expliciet maken en uitdragen.';
const MDA = 'Multidisciplinaire aanpak MDA++ verder ontwikkelen, waarin welzijn, zorg en veiligheid zijn verbonden.';

interface ApiPlan {
	id: string;
	status: string;
	focus: Record<string, string[]>;
	chapters: { themes: { id: string; title: string; actions: { id: string; title: string }[] }[] }[];
}

async function fitsNarrow(page: Page, name: string) {
	await page.screenshot({ path: test.info().outputPath(`adoption-${name}-1440.png`), fullPage: true });
	await page.setViewportSize({ width: 320, height: 800 });
	await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
	await page.screenshot({ path: test.info().outputPath(`adoption-${name}-320.png`), fullPage: true });
	await page.setViewportSize({ width: 1440, height: 1000 });
}

test('a version is frozen for the colleges, three decide, two council responses are registered and answered, and a yearly focus filters the board', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(180_000);
	const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
	const page = await context.newPage();
	await login(page, 'editor');
	const summary = await planBySlug(page, SAMEN_VEILIG_PLAN);
	const plan = (await (await page.request.get(`/api/plans/${summary.id}`)).json()) as ApiPlan;
	const actions = plan.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions.map((a) => ({ ...a, themeId: t.id, themeTitle: t.title }))));
	const norm = actions.find((a) => a.title === NORM)!;
	const mda = actions.find((a) => a.title === MDA)!;
	expect(norm && mda).toBeTruthy();

	// --- freeze a version for decision-making, named by the editor
	await page.goto(`/plannen/${plan.id}`);
	await page.getByRole('link', { name: 'Besluitvorming' }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: `Besluitvorming over ${summary.title}` })).toBeVisible();
	await expectAccessible(page);
	await fitsNarrow(page, 'besluitvorming');
	const label = 'Samen Veilig 2021, aangeboden aan de colleges';
	await page.getByLabel('Naam van de versie').fill(label);
	await page.getByRole('button', { name: 'Versie vastleggen' }).click();
	await expect(page).toHaveURL(/\/versies\/[a-z0-9]+\/besluiten$/);
	const versionId = page.url().match(/versies\/([a-z0-9]+)\//)![1];
	await expect(page.locator('#adoptie-telling')).toHaveText('Vastgesteld door 0 van 18 colleges');
	expect(((await (await page.request.get(`/api/plans/${plan.id}`)).json()) as ApiPlan).status).toBe('in_decision');

	// --- three colleges decide; the count follows
	const decide = async (gemeente: string, date: string, reference: string) => {
		await page.getByLabel('Gemeente', { exact: true }).selectOption({ label: gemeente });
		await page.getByLabel('Vastgesteld', { exact: true }).check();
		await page.getByLabel('Datum van het besluit').fill(date);
		await page.getByLabel('Kenmerk van het B&W-besluit').fill(reference);
		await page.getByLabel('De gemeenteraad is geïnformeerd').check();
		await page.getByRole('button', { name: 'Besluit opslaan' }).click();
		await expect(page.getByRole('alert').or(page.getByRole('status')).filter({ hasText: 'Het besluit is opgeslagen.' })).toBeVisible();
		await expect(page.locator(`[data-municipality="${gemeente}"]`)).toContainText(reference);
	};
	await decide('Arnhem', '2021-03-02', 'B&W 2021/0312');
	await decide('Doetinchem', '2021-03-09', 'B&W 2021/0451');
	await decide('Winterswijk', '2021-03-16', 'B&W 2021/77');
	await expect(page.locator('#adoptie-telling')).toHaveText('Vastgesteld door 3 van 18 colleges');
	await expect(page.locator('[data-municipality="Arnhem"]')).toContainText('2 maart 2021');
	await expectAccessible(page);
	await fitsNarrow(page, 'besluiten');

	// a date outside the plan's period: a Dutch message, nothing changed
	await page.getByLabel('Gemeente', { exact: true }).selectOption({ label: 'Aalten' });
	await page.getByLabel('Datum van het besluit').fill('2030-01-15');
	await page.getByRole('button', { name: 'Besluit opslaan' }).click();
	await expect(page.getByText('De datum moet in de looptijd van het plan liggen: 2019 tot en met 2022.')).toBeVisible();
	await expect(page.locator('#adoptie-telling')).toHaveText('Vastgesteld door 3 van 18 colleges');
	await expect(page.locator('[data-municipality="Aalten"]')).toContainText('Nog geen besluit');

	// the gemeente's own page shows its college's decision
	await page.goto('/gemeenten/arnhem');
	await expect(page.getByRole('region', { name: 'Besluiten van het college' })).toContainText(label);
	await expect(page.getByRole('region', { name: 'Besluiten van het college' })).toContainText('B&W 2021/0312');

	// --- the council responses register
	await page.goto(`/versies/${versionId}/zienswijzen`);
	await expect(page.getByRole('heading', { level: 1, name: 'Zienswijzen van de gemeenteraden' })).toBeVisible();
	await expectAccessible(page);
	const addResponse = async (gemeente: string, text: string, action: string) => {
		await page.getByLabel('Gemeente', { exact: true }).selectOption({ label: gemeente });
		await page.getByLabel('Van', { exact: true }).selectOption({ label: 'Raadscommissie' });
		await page.getByLabel('Datum', { exact: true }).fill('2021-02-10');
		await page.getByLabel('Wat de raad of commissie zegt').fill(text);
		await page.getByLabel(action, { exact: true }).check();
		await page.getByRole('button', { name: 'Zienswijze opslaan' }).click();
		await expect(page.locator('article', { hasText: text })).toBeVisible();
	};
	const first = 'Betrek ook de sportverenigingen bij het uitdragen van de norm.';
	const second = 'Hoe sluit de MDA++ aan bij de wijkteams in Doetinchem?';
	await addResponse('Arnhem', first, NORM);
	await addResponse('Doetinchem', second, MDA);
	await expect(page.locator('#zienswijzen-telling')).toHaveText('2 zienswijzen, 0 verwerkt of beantwoord');
	const item = page.locator('article', { hasText: first });
	await expect(item.getByRole('link', { name: NORM })).toHaveAttribute('href', `/plannen/${plan.id}/acties/${norm.id}`);

	// answering "deels" without the why is refused; with "verwerkt" it is saved
	await item.getByText('Antwoord en verwerking').click();
	const answer = 'De sportverenigingen komen in de campagne van 2021.';
	await item.getByLabel('Antwoord van de regio').fill(answer);
	await item.getByLabel('Wat is ermee gedaan?').selectOption({ label: 'Deels verwerkt' });
	await item.getByRole('button', { name: 'Antwoord opslaan' }).click();
	await expect(item.getByText('Schrijf op waarom de zienswijze deels of niet is verwerkt.')).toBeVisible();
	await item.getByLabel('Wat is ermee gedaan?').selectOption({ label: 'Verwerkt' });
	await item.getByRole('button', { name: 'Antwoord opslaan' }).click();
	await expect(item.getByText('Het antwoord is opgeslagen.')).toBeVisible();
	await expect(item.locator('.kring-outcome')).toHaveText('Verwerkt');
	await expect(page.locator('#zienswijzen-telling')).toHaveText('2 zienswijzen, 1 verwerkt of beantwoord');
	await fitsNarrow(page, 'zienswijzen');

	// a response linked to an action of another plan: refused in Dutch, nothing stored
	const other = await planBySlug(page, 'noord-oost-gelderland-uitvoeringsagenda-2024-2028');
	const otherPlan = (await (await page.request.get(`/api/plans/${other.id}`)).json()) as ApiPlan;
	const foreignAction = otherPlan.chapters[0].themes[0].actions[0].id;
	const arnhemId = (await (await page.request.get(`/api/versions/${versionId}`)).json()).adoptions.find(
		(a: { municipality: { name: string } }) => a.municipality.name === 'Arnhem'
	).municipality.id;
	const headers = { Origin: baseURL!, Accept: 'application/json' };
	const foreign = await page.request.post(`/versies/${versionId}/zienswijzen?/add`, {
		form: { municipalityId: arnhemId, body: 'council', receivedOn: '2021-02-11', text: 'Vreemd', targetIds: foreignAction },
		headers
	});
	const foreignBody = await foreign.json();
	expect(foreignBody.status).toBe(400);
	expect(JSON.stringify(foreignBody)).toContain('Een zienswijze kan alleen over onderdelen en acties van dit plan gaan.');

	// the version's JSON carries the adoptions and the responses
	const versionJson = await (await page.request.get(`/api/versions/${versionId}`)).json();
	expect(versionJson.adoptions.filter((a: { decision: string | null }) => a.decision === 'adopted')).toHaveLength(3);
	expect(versionJson.responses).toHaveLength(2);
	expect(versionJson.responses.find((r: { text: string }) => r.text === first)).toMatchObject({ answer, outcome: 'processed', targets: [{ kind: 'action', id: norm.id }] });

	// the action card shows the response about it
	await page.goto(`/plannen/${plan.id}/acties/${norm.id}`);
	const onCard = page.getByRole('region', { name: '1 zienswijze van de gemeenteraden' });
	await expect(onCard).toContainText(first);
	await expect(onCard).toContainText(answer);
	await expect(onCard).toContainText('Gemeente Arnhem');

	// the register exports to Word and Excel
	await page.goto(`/versies/${versionId}/zienswijzen`);
	const download = async (name: string) => {
		const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('link', { name, exact: true }).click()]);
		return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
	};
	const docx = await download('Zienswijzen als Word');
	expect(docx.name).toMatch(/-zienswijzen\.docx$/);
	const mammoth = (await import('mammoth')).default;
	const { value: html } = await mammoth.convertToHtml({ buffer: docx.bytes });
	expect(html).toContain('Gemeente Arnhem');
	expect(html).toContain(first);
	expect(html).toContain(answer);
	const xlsx = await download('Zienswijzen als Excel');
	expect(xlsx.name).toMatch(/-zienswijzen\.xlsx$/);
	const ExcelJS = (await import('exceljs')).default;
	const book = new ExcelJS.Workbook();
	await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
	const sheet = book.getWorksheet('Zienswijzen')!;
	const rows = sheet.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).map(String).join(' | '));
	expect(rows.some((r) => r.includes('Doetinchem') && r.includes(second) && r.includes('Nog open'))).toBe(true);
	expect(rows.some((r) => r.includes('Arnhem') && r.includes(first) && r.includes('Verwerkt'))).toBe(true);

	// --- the yearly focus, and the board filtered on it
	await page.goto(`/plannen/${plan.id}/focus?jaar=2021`);
	await expect(page.getByRole('heading', { level: 2, name: 'Focus in 2021' })).toBeVisible();
	await expectAccessible(page);
	await page.getByLabel(`6. ${mda.themeTitle}`, { exact: true }).check();
	await page.getByLabel(NORM, { exact: true }).check();
	await page.getByRole('button', { name: 'Focus van 2021 opslaan' }).click();
	await expect(page.getByText('De focus van 2021 is opgeslagen.')).toBeVisible();
	await fitsNarrow(page, 'focus');
	expect(((await (await page.request.get(`/api/plans/${plan.id}`)).json()) as ApiPlan).focus['2021'].sort()).toEqual([norm.id, mda.themeId].sort());

	await page.goto(`/plannen/${plan.id}/bord`);
	await page.getByLabel('Focus', { exact: true }).selectOption({ label: 'Focus 2021' });
	await expect(page).toHaveURL(/focus=2021/);
	const lanes = page.locator('main').getByRole('region', { name: /^\d+\. / });
	await expect(lanes).toHaveCount(2);
	await expect(page.getByRole('link', { name: NORM, exact: true })).toBeVisible();
	await expect(page.getByRole('link', { name: MDA, exact: true })).toBeVisible();
	// only the chosen action of theme 1, not its others
	await expect(page.getByRole('link', { name: 'De norm als richtlijn nemen voor gedrag van professionals.', exact: true })).toHaveCount(0);
	// the CSV follows the focus too
	const csv = await (await page.request.get(`/plannen/${plan.id}/export/acties.csv?focus=2021`)).text();
	expect(csv).toContain(NORM);
	expect(csv).not.toContain('De norm als richtlijn nemen voor gedrag van professionals.');
	// and so does the Word document
	const focusDocx = await page.request.get(`/plannen/${plan.id}/export/plan.docx?focus=2021`);
	expect(focusDocx.status()).toBe(200);
	const { value: text } = await mammoth.extractRawText({ buffer: Buffer.from(await focusDocx.body()) });
	expect(text).toContain(NORM);
	expect(text).toContain(MDA);
	expect(text).not.toContain('De norm als richtlijn nemen voor gedrag van professionals.');

	// --- rights: a reader sees everything but changes nothing
	const readerContext = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
	const reader = await readerContext.newPage();
	await login(reader, 'viewer');
	await reader.goto(`/versies/${versionId}/besluiten`);
	await expect(reader.locator('#adoptie-telling')).toHaveText('Vastgesteld door 3 van 18 colleges');
	await expect(reader.getByRole('button', { name: 'Besluit opslaan' })).toHaveCount(0);
	const forged = await reader.request.post(`/versies/${versionId}/besluiten?/record`, {
		form: { municipalityId: arnhemId, decision: 'rejected', decidedOn: '2021-05-01', reference: 'vals' },
		headers
	});
	const forgedBody = await forged.json();
	expect(forgedBody.status).toBe(403);
	expect(JSON.stringify(forgedBody)).toContain('Alleen redacteuren van dit plan en beheerders van de regio kunnen dit doen.');
	const forgedFocus = await reader.request.post(`/plannen/${plan.id}/focus?/save`, { form: { year: '2021', ids: norm.id }, headers });
	expect((await forgedFocus.json()).status).toBe(403);
	const after = await (await reader.request.get(`/api/versions/${versionId}`)).json();
	expect(after.adoptions.find((a: { municipality: { name: string } }) => a.municipality.name === 'Arnhem').decision).toBe('adopted');
	await readerContext.close();
	await context.close();
});

test("Kennemerland's adopted Actieprogramma carries its councils' real responses, each linked to its activity", async ({ page }) => {
	test.setTimeout(90_000);
	await login(page, 'viewer');
	const plan = await planBySlug(page, 'kennemerland-actieprogramma-2021-2024');
	const json = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as ApiPlan;
	expect(json.status).toBe('adopted');
	expect(Object.keys(json.focus)).toContain('2021');
	const versions = (await (await page.request.get(`/api/plans/${plan.id}/versions`)).json()).versions as { id: string; label: string }[];
	const adopted = versions.find((v) => v.label.startsWith('Actieprogramma 2021-2024'))!;
	const version = await (await page.request.get(`/api/versions/${adopted.id}`)).json();
	expect(version.status).toBe('adopted');
	expect(version.responses.length).toBeGreaterThanOrEqual(15);
	for (const r of version.responses) expect(r.targets.length).toBeGreaterThan(0);
	await page.goto(`/versies/${adopted.id}/zienswijzen`);
	await expect(page.getByRole('heading', { level: 2, name: 'Gemeente Heemskerk' })).toBeVisible();
	await expect(page.getByText('Dierenmishandeling kan een signaal zijn voor huiselijk geweld en kindermishandeling.', { exact: false })).toBeVisible();
	await expectAccessible(page);
	await page.goto(`/versies/${adopted.id}/besluiten`);
	await expect(page.locator('#adoptie-telling')).toHaveText('Vastgesteld door 8 van 8 colleges');
	await expectAccessible(page);
});

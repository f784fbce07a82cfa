import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seed000Docx, seed001Docx } from '../src/lib/server/word-import.fixtures.ts';
import { expectAccessible, login, logout } from './fixtures';

const REGION = 'noord-oost-gelderland';
const dir = mkdtempSync(join(tmpdir(), 'kring-import-e2e-'));

async function file(name: string, bytes: Uint8Array | Promise<Uint8Array>): Promise<string> {
	const path = join(dir, name);
	writeFileSync(path, await bytes);
	return path;
}

/** axe, and no sideways scrolling at 320 px (then back to the desktop width). */
async function checkPage(page: Page, name: string) {
	await expectAccessible(page);
	await page.setViewportSize({ width: 320, height: 800 });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `sideways scroll at 320 px on ${page.url()}`).toBeLessThanOrEqual(0);
	if (process.env.KRING_SCREENSHOTS) {
		await page.screenshot({ path: join(process.env.KRING_SCREENSHOTS, `${name}-320.png`), fullPage: true });
	}
	await page.setViewportSize({ width: 1440, height: 900 });
	if (process.env.KRING_SCREENSHOTS) await page.screenshot({ path: join(process.env.KRING_SCREENSHOTS, `${name}-1440.png`), fullPage: true });
}

test('the beheerder imports a Word plan: preview, adjust the structure, create, open the plan', async ({ page }) => {
	await login(page, 'admin');
	await page.goto(`/regios/${REGION}`);
	await page.getByRole('link', { name: 'Plan importeren uit Word' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Plan importeren' })).toBeVisible();
	await checkPage(page, 'import-empty');

	// Something that is not a Word file, renamed: a Dutch message, nothing else.
	await page.getByLabel('Word-bestand (.docx)').setInputFiles(await file('brief.docx', new TextEncoder().encode('Dit is gewoon tekst.')));
	await page.getByRole('button', { name: 'Bestand lezen' }).click();
	await expect(page.getByRole('alert')).toContainText('Dit is geen Word-bestand (.docx)');

	await page.getByLabel('Word-bestand (.docx)').setInputFiles(await file('agenda.docx', seed001Docx()));
	await page.getByRole('button', { name: 'Bestand lezen' }).click();
	await expect(page.getByRole('heading', { name: 'Wat Kring vond' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 3, name: 'Samen sterker in de regio' })).toBeVisible();
	const teams = page.locator('article', { has: page.getByRole('heading', { level: 4, name: 'Sterke lokale teams' }) });
	await expect(teams).toContainText('Ambassadeurs: Fatma Yılmaz (gemeente Apeldoorn), Pieter de Boer');
	await expect(teams).toContainText('Regionaal scholingsaanbod voor lokale teams');
	await expect(teams).toContainText('Elke gemeente borgt de meldcode in het lokale team');
	await checkPage(page, 'import-preview');

	// No chapters after all, and the plan's own words.
	await page.getByLabel('Hoofdstukken zijn').selectOption('none');
	await page.getByLabel('Onderdeel, enkelvoud').fill('speerpunt');
	await page.getByLabel('Onderdeel, meervoud').fill('speerpunten');
	await page.getByRole('button', { name: 'Opnieuw bekijken' }).click();
	await expect(page.getByRole('heading', { level: 3, name: 'Zonder hoofdstuk' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 3, name: 'Samen sterker in de regio' })).toHaveCount(0);
	await expect(page.getByLabel('Hoofdstukken zijn')).toHaveValue('none');
	await expect(page.getByLabel('Onderdeel, meervoud')).toHaveValue('speerpunten');

	const title = `Geïmporteerde agenda ${Date.now()}`;
	await page.getByLabel('Titel', { exact: true }).fill(title);
	await page.getByRole('button', { name: 'Plan aanmaken' }).click();
	await expect(page).toHaveURL(/\/plannen\/[a-z0-9]+$/);
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByText('Sterke lokale teams').first()).toBeVisible();
	await expect(page.getByText('Veilig Thuis').first()).toBeVisible();
	await expect(page.getByText('Regionaal scholingsaanbod voor lokale teams').first()).toBeVisible();
	await expect(page.getByText('Vaste contactpersoon voor Veilig Thuis per gemeente').first()).toBeVisible();
});

test('card tables: fields chosen on the page, a gemeente plan', async ({ page }) => {
	await login(page, 'admin');
	await page.goto('/regios/arnhem-achterhoek/importeren');
	await page.getByLabel('Word-bestand (.docx)').setInputFiles(await file('arnhem.docx', seed000Docx()));
	await page.getByRole('button', { name: 'Bestand lezen' }).click();
	await expect(page.getByText('Huidige stand van zaken').first()).toBeVisible();
	await page.getByRole('checkbox', { name: 'Huidige stand van zaken' }).uncheck();
	await page.getByRole('button', { name: 'Opnieuw bekijken' }).click();
	await expect(page.getByRole('alert')).toContainText('Het veld ‘Huidige stand van zaken’ wordt niet overgenomen.');
	await expect(page.getByRole('checkbox', { name: 'Huidige stand van zaken' })).not.toBeChecked();
	await page.getByLabel('Plan van').selectOption({ label: 'Arnhem' });
	await page.getByRole('button', { name: 'Plan aanmaken' }).click();
	await expect(page).toHaveURL(/\/plannen\/[a-z0-9]+$/);
	await page.getByRole('link', { name: 'Er is afstemming met de wijkteams over het toekomstscenario' }).first().click();
	await expect(page.getByText('Op basis van de zelfscan zal een scholingsprogramma worden opgezet.')).toBeVisible();
	await expect(page.getByText('Er komt een landelijk kwaliteitskader')).toHaveCount(0);
});

test('POST /api/imports: the preview as JSON, rights, refused files', async ({ page }) => {
	const post = (region: string, bytes: Uint8Array, name = 'plan.docx') =>
		page.request.post('/api/imports', {
			headers: { origin: new URL(page.url()).origin, accept: 'application/json' },
			multipart: { region, file: { name, mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: Buffer.from(bytes) } }
		});
	const docx = await seed001Docx();
	await login(page, 'editor');
	const ok = await post(REGION, docx);
	expect(ok.status()).toBe(200);
	const body = await ok.json();
	expect(body.title).toBe('Samen tegen huiselijk geweld — Uitvoeringsagenda 2024-2028');
	expect(body.chapters[0].themes[0]).toMatchObject({
		title: 'Sterke lokale teams',
		ambassadors: ['Fatma Yılmaz (gemeente Apeldoorn)', 'Pieter de Boer'],
		actions: [
			{ title: 'Regionaal scholingsaanbod voor lokale teams', level: 'regional', fields: {} },
			{ title: 'Een regionale expertpool', level: 'regional', fields: {} },
			{ title: 'Elke gemeente borgt de meldcode in het lokale team', level: 'local', fields: {} }
		]
	});
	expect(Array.isArray(body.warnings)).toBe(true);
	expect((await post('bestaat-niet', docx)).status()).toBe(404);

	const notDocx = await post(REGION, new TextEncoder().encode('%PDF-1.7'));
	expect(notDocx.status()).toBe(400);
	expect((await notDocx.json()).message).toContain('geen Word-bestand');
	const tooLarge = await post(REGION, new Uint8Array(10 * 1024 * 1024 + 100));
	expect(tooLarge.status()).toBe(413);
	expect((await tooLarge.json()).message).toContain('groter dan 10 MB');

	await page.goto('/');
	await logout(page);
	await login(page, 'viewer');
	const viewer = await post(REGION, docx);
	expect(viewer.status()).toBe(403);
	expect((await viewer.json()).message).toContain('Alleen beheerders en redacteuren');
	expect((await page.goto(`/regios/${REGION}/importeren`))?.status()).toBe(403);
	await page.goto(`/regios/${REGION}`);
	await expect(page.getByRole('link', { name: 'Plan importeren uit Word' })).toHaveCount(0);
});

import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { ACCOUNTS, expectAccessible, login, NOG_PLAN, planBySlug } from './fixtures';

const REGION = 'noord-oost-gelderland';

async function noSidewaysScroll(page: Page) {
	const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
	expect(scroll, 'the page scrolls sideways').toBeLessThanOrEqual(client);
}

/** The logboek's table rows that contain all of the texts. */
function rowsWith(page: Page, ...texts: string[]) {
	let rows = page.getByRole('region', { name: 'Tabel met gebeurtenissen (scrolt opzij)' }).getByRole('row');
	for (const text of texts) rows = rows.filter({ hasText: text });
	return rows;
}

test('a region admin finds their sign-in and a download in the logboek, filters on it and downloads the log', async ({ page }) => {
	await login(page, 'admin');
	const plan = await planBySlug(page, NOG_PLAN);
	await page.goto(`/plannen/${plan.id}`);
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Acties als CSV (Excel)' }).click()]);
	expect(download.suggestedFilename()).toMatch(/-acties\.csv$/);

	await page.goto(`/regios/${REGION}`);
	await page.getByRole('link', { name: 'Logboek', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`/regios/${REGION}/logboek$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logboek van regio Noord-Oost Gelderland');
	const table = page.getByRole('table');
	await expect(table.getByRole('columnheader')).toHaveText(['Tijd', 'Wie', 'Wat', 'Object', 'Resultaat', 'Herkomst (IP-adres)']);
	await expect(rowsWith(page, ACCOUNTS.admin.name, 'Ingelogd', 'geslaagd').first()).toBeVisible();
	const downloaded = rowsWith(page, ACCOUNTS.admin.name, 'Bestand gedownload', 'bestand acties.csv', plan.title).first();
	await expect(downloaded).toBeVisible();
	// Dutch date and time, and the origin address
	await expect(downloaded.getByRole('cell').first()).toHaveText(/^\d{1,2} [a-z]{3} \d{4}, \d{2}:\d{2}:\d{2}$/);
	await expect(downloaded.getByRole('cell').last()).toHaveText(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
	await expectAccessible(page);

	// filter on downloads by this person today: only downloads remain, and the filter is in the URL
	await page.getByLabel('Soort').selectOption({ label: 'Downloads' });
	await page.getByLabel('Wie').selectOption({ label: ACCOUNTS.admin.name });
	const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(new Date());
	await page.getByLabel('Van (datum)').fill(today);
	await page.getByLabel('Tot en met (datum)').fill(today);
	await page.getByRole('button', { name: 'Filter toepassen' }).click();
	await expect(page).toHaveURL(/actie=export/);
	await expect(page).toHaveURL(new RegExp(`van=${today}`));
	await expect(rowsWith(page, 'Bestand gedownload', 'bestand acties.csv').first()).toBeVisible();
	await expect(rowsWith(page, 'Ingelogd')).toHaveCount(0);
	await expect(page.getByLabel('Soort')).toHaveValue('export');
	await expectAccessible(page);

	// the log as CSV, with the same filters
	const [logFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download als CSV' }).click()]);
	expect(logFile.suggestedFilename()).toBe('logboek-noord-oost-gelderland.csv');
	const csv = await readFile((await logFile.path())!, 'utf8');
	const lines = csv.trimEnd().split('\r\n');
	expect(lines[0]).toBe('\uFEFFTijd (Nederlandse tijd);Wie;Wat;Object;Resultaat;Toelichting;Herkomst (IP-adres)');
	expect(lines.length).toBeGreaterThan(1);
	for (const line of lines.slice(1)) expect(line).toContain(`${ACCOUNTS.admin.name};Bestand gedownload;`);
	expect(csv).toContain(`Plan: ${plan.title};geslaagd;bestand acties.csv`);

	// downloading the log is itself in the log
	await page.goto(`/regios/${REGION}/logboek?actie=export`);
	await expect(rowsWith(page, 'Bestand gedownload', 'bestand logboek-noord-oost-gelderland.csv', 'Noord-Oost Gelderland').first()).toBeVisible();

	// 320 px: the page reflows, only the table scrolls inside its own focusable container
	await page.setViewportSize({ width: 320, height: 800 });
	await noSidewaysScroll(page);
	const scroller = page.getByRole('region', { name: 'Tabel met gebeurtenissen (scrolt opzij)' });
	await scroller.focus();
	await expect(scroller).toBeFocused();
	await expectAccessible(page);
});

test('a failed sign-in shows with its reason, without the typed address when there is no such account', async ({ page }) => {
	const unknown = `niemand-${Date.now()}@example.nl`;
	await page.goto('/login');
	await page.getByLabel('E-mailadres').fill(unknown);
	await page.getByLabel('Wachtwoord').fill('fout-wachtwoord');
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByText('Het e-mailadres of het wachtwoord klopt niet.')).toBeVisible();
	await page.getByLabel('E-mailadres').fill(ACCOUNTS.viewer.email);
	await page.getByLabel('Wachtwoord').fill('niet-het-wachtwoord');
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByText('Het e-mailadres of het wachtwoord klopt niet.')).toBeVisible();

	await login(page, 'admin');
	// the viewer is a member of the region: their failed attempt is in the region's log
	await page.goto(`/regios/${REGION}/logboek?actie=login&resultaat=mislukt`);
	await expect(rowsWith(page, ACCOUNTS.viewer.name, 'Inloggen mislukt', 'wachtwoord klopt niet', 'mislukt').first()).toBeVisible();
	await expect(rowsWith(page, 'onbekend e-mailadres')).toHaveCount(0);
	// an attempt for an unknown address belongs to no region: only the whole installation's log has it, without the address
	await page.goto('/beheer/logboek?actie=login.failed');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logboek van heel Kring');
	await expect(rowsWith(page, 'Onbekend', 'Inloggen mislukt', 'onbekend e-mailadres').first()).toBeVisible();
	await expect(page.getByText(unknown)).toHaveCount(0);
	await expect(page.getByRole('table').getByRole('columnheader').last()).toHaveText('Regio');
	await expectAccessible(page);
	await page.setViewportSize({ width: 320, height: 800 });
	await noSidewaysScroll(page);

	// a malformed filter is named and left out, never a 500
	const bad = await page.goto('/beheer/logboek?van=2026-02-31&resultaat=misschien');
	expect(bad?.status()).toBe(200);
	await expect(page.getByRole('alert')).toContainText('Een filter klopt niet');
	expect((await page.request.get('/beheer/logboek.csv?van=gisteren')).status()).toBe(400);
});

test('a lezer gets 403 at the logboek, someone outside the region 404', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, 'viewer');
	const response = await page.goto(`/regios/${REGION}/logboek`);
	expect(response?.status()).toBe(403);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Geen toegang');
	expect((await page.request.get(`/regios/${REGION}/logboek.csv`)).status()).toBe(403);
	expect((await page.request.get('/beheer/logboek')).status()).toBe(403);
	expect((await page.request.get('/beheer/logboek.csv')).status()).toBe(403);
	// no link on the region page either
	await page.goto(`/regios/${REGION}`);
	await expect(page.getByRole('link', { name: 'Logboek', exact: true })).toHaveCount(0);
	await context.close();

	const outsider = await browser.newContext();
	const other = await outsider.newPage();
	await login(other, 'arnhem');
	expect((await other.goto(`/regios/${REGION}/logboek`))?.status()).toBe(404);
	expect((await other.request.get(`/regios/${REGION}/logboek.csv`)).status()).toBe(404);
	expect((await other.request.get('/regios/bestaat-niet/logboek')).status()).toBe(404);
	await outsider.close();
});

test('signing out is in the logboek', async ({ page }) => {
	await login(page, 'editor');
	await page.getByRole('button', { name: 'Uitloggen' }).click();
	await expect(page.getByText('Je bent uitgelogd.')).toBeVisible();
	await login(page, 'admin');
	await page.goto(`/regios/${REGION}/logboek?actie=logout`);
	await expect(rowsWith(page, ACCOUNTS.editor.name, 'Uitgelogd').first()).toBeVisible();
});

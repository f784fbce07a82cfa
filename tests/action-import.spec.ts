import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAccessible, login, logout, NOG_PLAN, planBySlug } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'kring-action-import-e2e-'));

function file(name: string, content: string | Uint8Array): string {
	const path = join(dir, name);
	writeFileSync(path, content);
	return path;
}

/** axe, and no sideways scrolling at 320 px (then back to the desktop width). */
async function checkPage(page: Page, name: string) {
	await expectAccessible(page);
	await page.setViewportSize({ width: 320, height: 800 });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `sideways scroll at 320 px on ${page.url()}`).toBeLessThanOrEqual(0);
	if (process.env.KRING_SCREENSHOTS) await page.screenshot({ path: join(process.env.KRING_SCREENSHOTS, `${name}-320.png`), fullPage: true });
	await page.setViewportSize({ width: 1440, height: 900 });
	if (process.env.KRING_SCREENSHOTS) await page.screenshot({ path: join(process.env.KRING_SCREENSHOTS, `${name}-1440.png`), fullPage: true });
}

test('a plan editor imports actions from a CSV: mapping, dry run, create, open the new action', async ({ page }) => {
	test.setTimeout(180_000);
	await login(page, 'editor');
	const plan = await planBySlug(page, NOG_PLAN);
	const live = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as { chapters: { themes: { title: string }[] }[] };
	const [first, second] = live.chapters.flatMap((c) => c.themes);
	const csv = [
		'Titel;Onderdeel;Niveau;Status;Uitleg',
		`Signalen herkennen op school;${first.title};lokaal;In uitvoering;"Scholing voor leerkrachten\n- mentoren\n- intern begeleiders"`,
		'Zonder onderdeel;;regionaal;;Valt onder het gekozen onderdeel',
		'Verkeerd onderdeel;Bestaat niet;;;'
	].join('\r\n');

	await page.goto(`/plannen/${plan.id}`);
	await page.getByRole('link', { name: 'Acties importeren uit CSV of Excel' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Acties importeren' })).toBeVisible();
	await checkPage(page, 'acties-importeren');

	// a file that is no table: a Dutch message, nothing read
	await page.getByLabel('Bestand (CSV of XLSX, tot 10 MB)').setInputFiles(file('plan.pdf', new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 3, 0, 0])));
	await page.getByRole('button', { name: 'Bestand lezen' }).click();
	await expect(page.getByText('Dit is geen CSV- of Excel-bestand.')).toBeVisible({ timeout: 30_000 });
	await expect(page.getByRole('button', { name: 'Bestand lezen' })).toBeEnabled();

	await page.getByLabel('Bestand (CSV of XLSX, tot 10 MB)').setInputFiles(file('acties.csv', csv));
	await page.getByRole('button', { name: 'Bestand lezen' }).click();
	const status = page.getByRole('status').filter({ hasText: 'rijen in het bestand' });
	await expect(status).toContainText('3 rijen in het bestand', { timeout: 30_000 });
	await expect(status).toContainText('1 actie kan worden aangemaakt');
	await expect(page.locator('tr[data-line="4"]')).toContainText('thema niet gevonden');
	// the mapping Kring guessed: "Onderdeel" is the theme, "Titel" the title
	await expect(page.getByLabel('Thema', { exact: true })).toHaveValue('1');

	// adjust: the "Uitleg" column is the first card field, rows without a theme go to the second theme
	await page.locator('select[name^="col_field_"]').first().selectOption({ label: 'Uitleg' });
	const option = page.getByLabel('Thema voor rijen zonder thema').locator('option', { hasText: second.title }).first();
	await page.getByLabel('Thema voor rijen zonder thema').selectOption((await option.getAttribute('value'))!);
	await page.getByRole('button', { name: 'Proefrun bijwerken' }).click();
	await expect(status).toContainText('2 acties kunnen worden aangemaakt', { timeout: 30_000 });
	await expect(page.locator('tr[data-line="2"]')).toContainText('Scholing voor leerkrachten');
	await expect(page.locator('tr[data-line="3"]')).toContainText(second.title);
	await checkPage(page, 'acties-importeren-proefrun');

	// nothing was created by the dry run
	const before = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as { chapters: { themes: { actions: { title: string }[] }[] }[] };
	expect(before.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions.map((a) => a.title)))).not.toContain('Signalen herkennen op school');

	await page.getByRole('button', { name: 'Acties aanmaken' }).click();
	await expect(page).toHaveURL(new RegExp(`/plannen/${plan.id}\\?geimporteerd=2$`), { timeout: 30_000 });
	const created = page.getByRole('link', { name: 'Signalen herkennen op school' }).first();
	await expect(created).toBeVisible();
	await expect(page.getByRole('link', { name: 'Zonder onderdeel' }).first()).toBeVisible();
	await expect(page.getByRole('link', { name: 'Verkeerd onderdeel' })).toHaveCount(0);
	await created.click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Signalen herkennen op school');
	await expect(page.getByText('Scholing voor leerkrachten')).toBeVisible();
	await expect(page.getByText('intern begeleiders')).toBeVisible();
});

test('action import: too large, rights', async ({ page, baseURL }) => {
	test.setTimeout(120_000);
	await login(page, 'editor');
	const plan = await planBySlug(page, NOG_PLAN);
	const big = await page.request.post(`/plannen/${plan.id}/acties-importeren?/read`, {
		headers: { origin: baseURL!, accept: 'application/json' },
		multipart: { file: { name: 'groot.csv', mimeType: 'text/csv', buffer: Buffer.alloc(10 * 1024 * 1024 + 100 * 1024, 'a') } }
	});
	expect(big.status()).toBe(413);
	expect(JSON.stringify(await big.json())).toContain('groter dan 10 MB');
	await logout(page);
	await login(page, 'viewer');
	expect((await page.goto(`/plannen/${plan.id}/acties-importeren`))?.status()).toBe(403);
	const forged = await page.request.post(`/plannen/${plan.id}/acties-importeren?/read`, {
		headers: { origin: baseURL!, accept: 'application/json' },
		multipart: { file: { name: 'a.csv', mimeType: 'text/csv', buffer: Buffer.from('Titel\nx\n') } }
	});
	expect(forged.status()).toBe(403);
	await page.goto(`/plannen/${plan.id}`);
	await expect(page.getByRole('link', { name: 'Acties importeren uit CSV of Excel' })).toHaveCount(0);
});

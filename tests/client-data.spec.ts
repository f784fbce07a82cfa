import { expect, test } from '@playwright/test';
import { expectAccessible, login, NOG_PLAN, planBySlug } from './fixtures';

/**
 * The client-data guard on an action card: a nine-digit number that fails the
 * 11-proef stays quiet, a valid BSN warns (naming "BSN" and the AVG) without
 * blocking, the rewrite replaces it with [verwijderd], and only a kind and a
 * count reach the server — never the number.
 */
type Outline = { chapters: { themes: { actions: { id: string }[] }[] }[] };

test('typing a valid BSN in a card warns and offers to rewrite; a number failing the 11-proef does not', async ({ page }) => {
	test.setTimeout(90_000);
	await login(page, 'editor');
	const plan = await planBySlug(page, NOG_PLAN);
	const outline = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as Outline;
	const actionId = outline.chapters.flatMap((c) => c.themes).flatMap((t) => t.actions)[0].id;
	await page.goto(`/plannen/${plan.id}/acties/${actionId}`);

	const field = page.locator('.kring-rte__content[contenteditable="true"]').first();
	await expect(field).toBeVisible();
	await expect(field).toHaveAttribute('aria-readonly', 'false');
	const reports: string[] = [];
	page.on('request', (request) => {
		if (request.url().endsWith('/api/client-data-warnings')) reports.push(request.postData() ?? '');
	});
	const warning = page.getByRole('status').filter({ hasText: 'BSN' });

	await field.click();
	await page.keyboard.press('Control+End');
	const invalid = ' Dossier 123456789.';
	await page.keyboard.type(invalid);
	// past the debounce: still quiet
	await page.waitForTimeout(1500);
	await expect(warning).toHaveCount(0);
	expect(reports).toEqual([]);

	const valid = ' BSN 111222333';
	await page.keyboard.type(valid);
	await expect(warning).toBeVisible();
	await expect(warning).toContainText('AVG');
	await expectAccessible(page);
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.locator('.kring-cdw--on').first().scrollIntoViewIfNeeded();
	await page.screenshot({ path: test.info().outputPath('client-data-1440.png') });
	await page.setViewportSize({ width: 320, height: 800 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
	await page.locator('.kring-cdw--on').first().scrollIntoViewIfNeeded();
	await page.screenshot({ path: test.info().outputPath('client-data-320.png') });
	await page.setViewportSize({ width: 1440, height: 900 });

	// the count went to the audit log: kind and number only
	await expect.poll(() => reports.length).toBe(1);
	expect(JSON.parse(reports[0])).toEqual({ kind: 'bsn', count: 1, source: 'card', planId: plan.id });
	expect(reports[0]).not.toContain('111222333');

	// not blocking: the text is there; the rewrite replaces the number in the shared text
	await expect(field).toContainText('111222333');
	await page.getByRole('button', { name: 'Vervang door [verwijderd]' }).click();
	await expect(field).toContainText('BSN [verwijderd]');
	await expect(field).not.toContainText('111222333');
	await expect(warning).toHaveCount(0);

	// leave the demo card as it was
	await field.click();
	await page.keyboard.press('Control+End');
	const typed = invalid.length + ' BSN [verwijderd]'.length;
	for (let i = 0; i < typed; i++) await page.keyboard.press('Backspace');
	await expect(field).not.toContainText('[verwijderd]');
});

test('the warning endpoint takes only a kind and a count, signed in, and refuses anything else', async ({ page, request, browser }) => {
	const anonymous = await request.post('/api/client-data-warnings', { data: { kind: 'bsn', count: 1, source: 'card' } });
	expect([401, 303, 302]).toContain(anonymous.status());
	await login(page, 'editor');
	const ok = await page.request.post('/api/client-data-warnings', { data: { kind: 'phone', count: 2, source: 'comment', planId: null } });
	expect(ok.status()).toBe(202);
	const withText = await page.request.post('/api/client-data-warnings', { data: { kind: 'bsn', count: 1, source: 'card', text: '111222333' } });
	expect(withText.status()).toBe(400);
	expect((await withText.json()).message).toMatch(/[a-z]/);
	const badKind = await page.request.post('/api/client-data-warnings', { data: { kind: 'naam', count: 1, source: 'card' } });
	expect(badKind.status()).toBe(400);

	// the region's logboek shows the count, never text
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await login(admin, 'admin');
	await admin.goto('/regios/noord-oost-gelderland/logboek?actie=client_data');
	await expect(admin.getByText('Gewaarschuwd voor cliëntgegevens').first()).toBeVisible();
	await expect(admin.locator('main')).not.toContainText('111222333');
	await adminContext.close();
});

test('a BSN typed in a card title warns too, and the rewrite reaches the saved title', async ({ page }) => {
	test.setTimeout(90_000);
	await login(page, 'editor');
	const plan = await planBySlug(page, NOG_PLAN);
	const outline = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as Outline;
	const actionId = outline.chapters.flatMap((c) => c.themes).flatMap((t) => t.actions)[2].id;
	await page.goto(`/plannen/${plan.id}/acties/${actionId}`);

	const title = page.locator('#actie-titel');
	await expect(title).toBeEditable();
	const original = await title.inputValue();
	const warning = page.getByRole('status').filter({ hasText: 'BSN' });
	await title.click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type(' BSN 111222333');
	await expect(warning).toBeVisible();
	await page.getByRole('button', { name: 'Vervang door [verwijderd]' }).click();
	await expect(title).toHaveValue(`${original} BSN [verwijderd]`);
	await expect(warning).toHaveCount(0);
	await expect(page.getByText('Alle wijzigingen opgeslagen')).toBeVisible();
	await page.reload();
	await expect(title).toHaveValue(`${original} BSN [verwijderd]`);

	// leave the demo card as it was
	await title.fill(original);
	await title.press('Tab');
	await expect(page.getByText('Alle wijzigingen opgeslagen')).toBeVisible();
	await page.reload();
	await expect(title).toHaveValue(original);
});

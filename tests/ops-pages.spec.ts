import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, login } from './fixtures';

/**
 * The accessibility statement and the privacy page (public, linked from every
 * page's footer), and the operations endpoints of the shared test server,
 * which runs without METRICS_TOKEN and SECURITY_CONTACT.
 * tests/shutdown.spec.ts starts a Kring with both set.
 */

async function expectNoSidewaysScroll(page: Page): Promise<void> {
	const size = page.viewportSize()!;
	await page.setViewportSize({ width: 320, height: 800 });
	const { scrollWidth, clientWidth } = await page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		clientWidth: document.documentElement.clientWidth
	}));
	expect(scrollWidth, 'page scrolls sideways at 320 px').toBeLessThanOrEqual(clientWidth);
	await expectAccessible(page);
	await page.setViewportSize(size);
}

test('the footer links to the accessibility statement and the privacy page, both readable without signing in', async ({ page }) => {
	await page.goto('/login');
	const footer = page.getByRole('navigation', { name: 'Over Kring' });
	await footer.getByRole('link', { name: 'Toegankelijkheid' }).click();
	await expect(page).toHaveURL(/\/toegankelijkheid$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Toegankelijkheid' })).toBeVisible();
	await expect(page.getByText('WCAG 2.1 op niveau AA')).toBeVisible();
	await expect(page.getByRole('heading', { level: 2, name: 'Wat we testen' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 2, name: 'Wat nog niet goed is' })).toBeVisible();
	await expect(page.getByText('320 pixels')).toBeVisible();
	await expectAccessible(page);
	await expectNoSidewaysScroll(page);

	await page.getByRole('navigation', { name: 'Over Kring' }).getByRole('link', { name: 'Privacy' }).click();
	await expect(page).toHaveURL(/\/privacy$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Privacy' })).toBeVisible();
	for (const heading of ['Je account', 'Inloggen, sessies en apparaten', 'Logboek', 'Reacties en meldingen', 'Planteksten', 'Pogingen om in te loggen', 'Cookies']) {
		await expect(page.getByRole('heading', { level: 2, name: heading, exact: true })).toBeVisible();
	}
	// retention from this installation's configuration (defaults: 730 days, 12 hours, 7 days)
	await expect(page.getByRole('region', { name: 'Logboek', exact: true })).toContainText('730 dagen');
	await expect(page.getByRole('region', { name: 'Inloggen, sessies en apparaten' })).toContainText('12 uur');
	await expect(page.getByRole('region', { name: 'Inloggen, sessies en apparaten' })).toContainText('7 dagen');
	await expectAccessible(page);
	await expectNoSidewaysScroll(page);
});

test('signed in, the pages keep the header and the footer links', async ({ page }) => {
	await login(page, 'viewer');
	await page.goto('/privacy');
	await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
	await expect(page.getByRole('navigation', { name: 'Over Kring' }).getByRole('link', { name: 'Toegankelijkheid' })).toBeVisible();
	await expectAccessible(page);
});

test('operations endpoints: ready, metrics off without a token, no security.txt without a contact', async ({ request }) => {
	const ready = await request.get('/readyz');
	expect(ready.status()).toBe(200);
	expect(await ready.json()).toEqual({ status: 'ready' });
	expect(ready.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
	expect((await request.get('/healthz')).status()).toBe(200);
	expect((await request.get('/metrics')).status()).toBe(404);
	expect((await request.get('/metrics', { headers: { Authorization: 'Bearer anything-at-all-1234' } })).status()).toBe(404);
	expect((await request.get('/.well-known/security.txt')).status()).toBe(404);
});

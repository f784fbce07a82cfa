import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { ARNHEM_PLAN, expectAccessible, expectFitsPhone, login, logout, planBySlug, type AccountName } from './fixtures.ts';

/*
 * Offline for real (docs/offline.md): Kring's service worker keeps the app
 * shell and the plan pages a person opened. The other specs block service
 * workers (playwright.config.ts); this one allows them. In this Playwright
 * version context.setOffline() also cuts the service worker's own fetches
 * (the never-opened page below shows the offline page, which proves it), so a
 * page that opens offline came from the worker's cache.
 */
test.use({ serviceWorkers: 'allow' });

interface ApiAction {
	id: string;
	title: string;
}

async function userContext(browser: Browser, account: AccountName): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
	const page = await context.newPage();
	await login(page, account);
	return { context, page };
}

/** Waits until the service worker controls the page; pages opened from then on are kept. */
async function withServiceWorker(page: Page): Promise<void> {
	await page.evaluate(() => navigator.serviceWorker.ready);
	await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 15_000 }).toBe(true);
}

/** The n-th action of Arnhem's plan, counted from the end (collab.spec.ts takes the first ones). */
async function arnhemAction(page: Page, n: number): Promise<{ planId: string; action: ApiAction }> {
	const plan = await planBySlug(page, ARNHEM_PLAN);
	const detail = await (await page.request.get(`/api/plans/${plan.id}`)).json();
	const actions: ApiAction[] = detail.chapters.flatMap((c: { themes: { actions: ApiAction[] }[] }) => c.themes.flatMap((t) => t.actions));
	return { planId: plan.id, action: actions[actions.length - 1 - n] };
}

const badge = (page: Page) => page.locator('.kring-connection');

/** Opens the card while online, until its text is in this browser's IndexedDB copy. */
async function openCard(page: Page, url: string) {
	await page.goto(url);
	const field = page.getByRole('textbox', { name: 'Beoogd resultaat' });
	await expect(field).toHaveAttribute('contenteditable', 'true');
	await expect(badge(page)).toHaveText('Alle wijzigingen opgeslagen');
	await page.waitForTimeout(500); // y-indexeddb writes asynchronously
	return field;
}

test('a card opened before opens again with its text after a reload without network', async ({ browser }) => {
	const { context, page } = await userContext(browser, 'arnhem');
	const { planId, action } = await arnhemAction(page, 0);
	const url = `/plannen/${planId}/acties/${action.id}`;
	await withServiceWorker(page);
	const field = await openCard(page, url);
	const text = (await field.textContent())?.trim() ?? '';
	expect(text.length).toBeGreaterThan(0);

	await context.setOffline(true);
	const response = await page.reload();
	expect(response?.fromServiceWorker()).toBe(true);
	await expect(page.getByRole('heading', { level: 1, name: action.title })).toBeVisible();
	await expect(field).toContainText(text.slice(0, 40), { timeout: 10_000 });
	await expect(badge(page)).toHaveText('Offline — je wijzigingen worden bewaard op dit apparaat');
	await context.close();
});

test('text typed offline reaches a colleague once the connection is back', async ({ browser }) => {
	const a = await userContext(browser, 'arnhem');
	const { planId, action } = await arnhemAction(a.page, 1);
	const url = `/plannen/${planId}/acties/${action.id}`;
	await withServiceWorker(a.page);
	const field = await openCard(a.page, url);

	await a.context.setOffline(true);
	await a.page.reload();
	await expect(badge(a.page)).toContainText('Offline');
	await expect(field).toHaveAttribute('contenteditable', 'true');
	await field.click();
	await a.page.keyboard.press('Control+End');
	const marker = `[offline ${Date.now()}]`;
	await a.page.keyboard.type(` ${marker}`);
	await expect(badge(a.page)).toHaveText('Offline — je wijzigingen worden bewaard op dit apparaat');

	const b = await userContext(browser, 'admin');
	await b.page.goto(url);
	const other = b.page.getByRole('textbox', { name: 'Beoogd resultaat' });
	await expect(other).toHaveAttribute('contenteditable', 'true');
	await expect(other).not.toContainText(marker);

	await a.context.setOffline(false);
	await expect(other).toContainText(marker, { timeout: 20_000 });
	await expect(badge(a.page)).toHaveText('Alle wijzigingen opgeslagen', { timeout: 15_000 });
	await a.context.close();
	await b.context.close();
});

test('offline, a colleague on the card is “laatst gezien”, not present, and the badge says offline', async ({ browser }) => {
	const a = await userContext(browser, 'arnhem');
	const b = await userContext(browser, 'admin');
	const { planId, action } = await arnhemAction(a.page, 2);
	const url = `/plannen/${planId}/acties/${action.id}`;
	await a.page.goto(url);
	await b.page.goto(url);
	const presence = a.page.getByRole('region', { name: 'Wie is hier' });
	await expect(presence).toContainText('Sanne Bakker');
	await expect(presence).not.toContainText('laatst gezien');

	await a.context.setOffline(true);
	await expect(presence).toContainText(/Sanne Bakker, laatst gezien \d{2}:\d{2}/);
	await expect(presence).not.toContainText('1 ander hier');
	await expect(badge(a.page)).toHaveText('Offline — je wijzigingen worden bewaard op dit apparaat');

	await a.context.setOffline(false);
	await expect(presence).not.toContainText('laatst gezien', { timeout: 15_000 });
	await expect(presence).toContainText('Sanne Bakker');
	await a.context.close();
	await b.context.close();
});

test('a page never opened shows the offline page, with the pages kept on this device', async ({ browser }) => {
	const { context, page } = await userContext(browser, 'arnhem');
	const { planId, action } = await arnhemAction(page, 3);
	await withServiceWorker(page);
	await openCard(page, `/plannen/${planId}/acties/${action.id}`);

	await context.setOffline(true);
	await page.goto(`/plannen/${planId}/tijdlijn`);
	await expect(page.getByRole('heading', { level: 1, name: 'Geen verbinding' })).toBeVisible();
	const kept = page.getByRole('link', { name: action.title });
	await expect(kept).toBeVisible();
	await expectAccessible(page);
	await expectFitsPhone(page, 'the offline page');

	await kept.click();
	await expect(page.getByRole('heading', { level: 1, name: action.title })).toBeVisible();
	await context.close();
});

test('offline, a link to a page opened before opens its kept copy, a link to another the offline page', async ({ browser }) => {
	const { context, page } = await userContext(browser, 'arnhem');
	const { planId, action } = await arnhemAction(page, 5);
	await withServiceWorker(page);
	await page.goto(`/plannen/${planId}`);
	const planTitle = (await page.getByRole('heading', { level: 1 }).textContent())?.trim() ?? '';
	await openCard(page, `/plannen/${planId}/acties/${action.id}`);

	await context.setOffline(true);
	// the breadcrumb back to the plan: a client-side navigation whose data was never fetched
	await page.getByRole('link', { name: planTitle, exact: true }).first().click();
	await expect(page).toHaveURL(new RegExp(`/plannen/${planId}$`));
	await expect(page.getByRole('heading', { level: 1, name: planTitle })).toBeVisible();
	await page.getByRole('link', { name: 'Tijdlijn', exact: true }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: 'Geen verbinding' })).toBeVisible();
	await context.close();
});

test('after logout this browser keeps no pages and no texts', async ({ browser }) => {
	const { context, page } = await userContext(browser, 'arnhem');
	const { planId, action } = await arnhemAction(page, 4);
	const url = `/plannen/${planId}/acties/${action.id}`;
	await withServiceWorker(page);
	await openCard(page, url);
	const stored = () =>
		page.evaluate(async (path) => {
			const names = (await caches.keys()).filter((n) => !n.startsWith('kring-shell-'));
			const databases = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('kring:'));
			return { names, page: (await caches.match(path)) !== undefined, databases: databases.length };
		}, url);
	expect(await stored()).toMatchObject({ page: true });
	expect((await stored()).databases).toBeGreaterThan(0);

	await logout(page);
	expect(await stored()).toEqual({ names: [], page: false, databases: 0 });

	// offline, the card is not there any more: the offline page, without any kept page
	await context.setOffline(true);
	await page.goto(url);
	await expect(page.getByRole('heading', { level: 1, name: 'Geen verbinding' })).toBeVisible();
	await expect(page.getByText('Er staan nog geen pagina’s op dit apparaat')).toBeVisible();
	await context.close();
});

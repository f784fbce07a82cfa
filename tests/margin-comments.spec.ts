import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { expectAccessible, expectNoSidewaysScroll, login, planBySlug } from './fixtures.ts';

/**
 * Comments beside the text: on a wide screen an anchored thread sits in the
 * margin level with its passage, and going between passage and thread does
 * not move the page; on narrow screens the threads stay in the list below.
 * Kennemerland's later actions and themes: the thread tests use the first ones.
 */
const KENNEMERLAND_PLAN = 'kennemerland-actieprogramma-2021-2024';
const SHOTS = process.env.KRING_SHOTS_DIR ?? '/tmp/margin-shots';

interface Outline {
	chapters: { themes: { id: string; title: string; actions: { id: string; title: string }[] }[] }[];
}

async function outline(page: Page): Promise<{ planId: string; outline: Outline }> {
	const plan = await planBySlug(page, KENNEMERLAND_PLAN);
	return { planId: plan.id, outline: (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as Outline };
}

/** The n-th action of the plan (counted over all themes). */
async function actionUrl(page: Page, n: number): Promise<string> {
	const { planId, outline: o } = await outline(page);
	const actions = o.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions));
	return `/plannen/${planId}/acties/${actions[n].id}`;
}

/** The first rich-text field that has text in it. */
function firstField(page: Page): Locator {
	return page.locator('.kring-rte').filter({ has: page.locator('.kring-rte__content p', { hasText: /\S{12}/ }) }).first();
}

/** Selects the first `length` characters of the field's text with the keyboard and starts a thread on them. */
async function commentOnPassage(page: Page, field: Locator, length: number, body: string): Promise<{ quote: string; threadId: string }> {
	const content = field.locator('.kring-rte__content');
	await content.click();
	await page.keyboard.press('Control+Home');
	for (let i = 0; i < length; i++) await page.keyboard.press('Shift+ArrowRight');
	const quote = await page.evaluate(() => window.getSelection()?.toString() ?? '');
	expect(quote.length).toBe(length);
	await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)))));
	await field.getByRole('button', { name: /Reageer op selectie/ }).click();
	await page.getByLabel('Je reactie').fill(body);
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	const passage = field.locator('.kring-anchor').first();
	await expect(passage).toHaveText(quote);
	const threadId = (await passage.getAttribute('data-thread')) ?? '';
	expect(threadId).not.toBe('');
	return { quote, threadId };
}

async function shot(page: Page, name: string): Promise<void> {
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
}

test('at 1440 px an anchored thread sits in the margin beside its passage', async ({ page }) => {
	test.slow();
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	await page.goto(await actionUrl(page, 5));
	const field = firstField(page);
	const { threadId } = await commentOnPassage(page, field, 10, 'Staat dit naast de tekst?');

	const thread = page.locator(`.kring-margin__column #discussie-${threadId}`);
	await expect(thread).toBeVisible();
	// in the margin, not also in the list below
	await expect(page.locator(`.kring-threads__list #discussie-${threadId}`)).toHaveCount(0);
	await expect(page.locator('.kring-threads__beside')).toBeVisible();
	await thread.scrollIntoViewIfNeeded();
	await expect
		.poll(async () => {
			const [t, p] = await Promise.all([thread.boundingBox(), field.locator('.kring-anchor').first().boundingBox()]);
			return t && p ? Math.abs(t.y - p.y) : Infinity;
		})
		.toBeLessThan(28);
	const text = (await field.locator('.kring-rte__content').boundingBox())!;
	const box = (await thread.boundingBox())!;
	expect(box.x).toBeGreaterThanOrEqual(text.x + text.width);
	expect(box.x + box.width).toBeLessThanOrEqual(1440);
	await shot(page, 'card-1440');
	await expectAccessible(page);
});

test('at 1440 px a new thread is written beside its passage and the page does not move', async ({ page }) => {
	test.slow();
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	await page.goto(await actionUrl(page, 10));
	const field = firstField(page);
	const content = field.locator('.kring-rte__content');
	await content.scrollIntoViewIfNeeded();
	await content.click();
	await page.keyboard.press('Control+Home');
	for (let i = 0; i < 9; i++) await page.keyboard.press('Shift+ArrowRight');
	await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)))));
	const before = await page.evaluate(() => window.scrollY);
	await field.getByRole('button', { name: /Reageer op selectie/ }).click();
	const composer = page.locator('.kring-margin__column').getByLabel('Je reactie');
	await expect(composer).toBeFocused();
	expect(await page.evaluate(() => window.scrollY)).toBe(before);
	// the new thread's box starts level with the selected passage (the first line of the text)
	const [box, text] = [(await page.locator('.kring-margin__draft').boundingBox())!, (await content.boundingBox())!];
	expect(box.x).toBeGreaterThanOrEqual(text.x + text.width);
	expect(Math.abs(box.y - text.y)).toBeLessThan(28);
	await composer.fill('Naast de tekst geschreven');
	await page.locator('.kring-margin__column').getByRole('button', { name: 'Plaatsen' }).click();
	const threadId = await field.locator('.kring-anchor').first().getAttribute('data-thread');
	await expect(page.locator(`.kring-margin__column #discussie-${threadId}`)).toBeFocused();
	expect(await page.evaluate(() => window.scrollY)).toBe(before);
	await expectAccessible(page);
});

test('clicking a passage focuses its thread in the margin without scrolling the page', async ({ page }) => {
	test.slow();
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	await page.goto(await actionUrl(page, 6));
	const field = firstField(page);
	const { threadId } = await commentOnPassage(page, field, 9, 'Klik op de passage');
	const passage = field.locator('.kring-anchor').first();
	await passage.scrollIntoViewIfNeeded();
	await page.mouse.move(0, 0);
	const before = await page.evaluate(() => window.scrollY);
	await passage.click();
	const thread = page.locator(`.kring-margin__column #discussie-${threadId}`);
	await expect(thread).toBeFocused();
	await expect(passage).toHaveClass(/kring-anchor--current/);
	expect(await page.evaluate(() => window.scrollY)).toBe(before);
	await expectAccessible(page);
});

test('the keyboard goes from the passage to its thread (Alt+Enter) and back (Toon in de tekst) without scrolling', async ({ page }) => {
	test.slow();
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	await page.goto(await actionUrl(page, 7));
	const field = firstField(page);
	const { threadId, quote } = await commentOnPassage(page, field, 8, 'Met het toetsenbord');
	const thread = page.locator(`.kring-margin__column #discussie-${threadId}`);
	await thread.scrollIntoViewIfNeeded();
	const before = await page.evaluate(() => window.scrollY);

	// back to the passage from the thread
	await thread.getByRole('button', { name: 'Toon in de tekst' }).click();
	await expect(field.locator('.kring-rte__content')).toBeFocused();
	await expect.poll(() => page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe(quote);
	expect(await page.evaluate(() => window.scrollY)).toBe(before);

	// the toolbar offers the way to the thread while the caret is in the passage, and so does Alt+Enter
	await page.keyboard.press('ArrowLeft');
	await page.keyboard.press('ArrowRight');
	await expect(field.getByRole('button', { name: 'Naar reactie' })).toHaveAttribute('aria-keyshortcuts', 'Alt+Enter');
	await page.keyboard.press('Alt+Enter');
	await expect(thread).toBeFocused();
	expect(await page.evaluate(() => window.scrollY)).toBe(before);
});

for (const width of [800, 320]) {
	test(`at ${width} px the threads stay in the list below and nothing scrolls sideways`, async ({ page }) => {
		test.slow();
		await login(page, 'viewer');
		await page.setViewportSize({ width, height: 900 });
		await page.goto(await actionUrl(page, width === 800 ? 8 : 9));
		const field = firstField(page);
		const { threadId } = await commentOnPassage(page, field, 7, `Smal scherm ${width}`);
		await expect(page.locator(`.kring-threads__list #discussie-${threadId}`)).toBeVisible();
		await expect(page.locator('.kring-margin__column')).toHaveCount(0);
		const thread = (await page.locator(`#discussie-${threadId}`).boundingBox())!;
		const text = (await field.boundingBox())!;
		expect(thread.y).toBeGreaterThan(text.y + text.height);
		await expectNoSidewaysScroll(page, `action card at ${width} px`);
		if (width === 320) await shot(page, 'card-320');
		await expectAccessible(page);
	});
}

test('the plan page marks a passage with an open thread and its link leads to the thread', async ({ page }) => {
	test.slow();
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	const { planId, outline: o } = await outline(page);
	const theme = o.chapters.flatMap((c) => c.themes).at(-1)!;
	await page.goto(`/plannen/${planId}/themas/${theme.id}`);
	const field = firstField(page);
	const { quote, threadId } = await commentOnPassage(page, field, 11, 'Gemarkeerd op de planpagina');
	await expect(page.locator(`.kring-margin__column #discussie-${threadId}`)).toBeVisible();
	await shot(page, 'theme-1440');
	await expectAccessible(page);

	await page.goto(`/plannen/${planId}`);
	const link = page.getByRole('link', { name: `Open reactie: ${quote}`, exact: true });
	await expect(link).toHaveAttribute('href', `/plannen/${planId}/themas/${theme.id}#discussie-${threadId}`);
	await expect(link.locator('xpath=ancestor::mark')).toHaveCount(1);
	await link.scrollIntoViewIfNeeded();
	await shot(page, 'plan-1440');
	await expectAccessible(page);
	await page.setViewportSize({ width: 320, height: 800 });
	await expectNoSidewaysScroll(page, 'plan page');
	await shot(page, 'plan-320');
	await page.setViewportSize({ width: 1440, height: 900 });

	await link.scrollIntoViewIfNeeded();
	await link.click();
	await expect(page).toHaveURL(new RegExp(`/themas/${theme.id}#discussie-${threadId}$`));
	await expect(page.locator(`#discussie-${threadId}`)).toBeFocused();
	await expect(page.locator(`#discussie-${threadId}`)).toBeInViewport();
	await page.setViewportSize({ width: 320, height: 800 });
	await expectNoSidewaysScroll(page, 'theme page');
	await shot(page, 'theme-320');
});

test('the plan page marks nothing once the thread is resolved', async ({ page }) => {
	test.slow();
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'editor');
	const { planId, outline: o } = await outline(page);
	const theme = o.chapters.flatMap((c) => c.themes).at(-2)!;
	await page.goto(`/plannen/${planId}/themas/${theme.id}`);
	const field = firstField(page);
	const { quote, threadId } = await commentOnPassage(page, field, 6, 'Even afronden');
	await page.goto(`/plannen/${planId}`);
	await expect(page.getByRole('link', { name: `Open reactie: ${quote}`, exact: true })).toHaveAttribute('href', new RegExp(`#discussie-${threadId}$`));
	const resolved = await page.request.post(`/api/threads/${threadId}`, { data: { op: 'status', status: 'resolved' } });
	expect(resolved.ok()).toBe(true);
	await page.reload();
	await expect(page.locator(`a[href$="#discussie-${threadId}"]`)).toHaveCount(0);
	await expect(page.locator('.kring-theme__text').filter({ hasText: quote }).first()).toBeVisible();
});

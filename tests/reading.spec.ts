import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, login, NOG_PLAN, planBySlug } from './fixtures.ts';

/**
 * The reading view (issue 15): readers, and editors who choose it, see a
 * card or theme as a document — no inputs, no toolbars, empty fields left
 * out — at 1440 px and at 320 px without sideways scrolling.
 */

const SHOTS = process.env.KRING_SHOTS_DIR;

/** Toolbars that take space on screen (the others are out of sight until focus reaches them). */
const shownToolbars = (page: Page) =>
	page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.kring-rte__toolbar')].filter((t) => t.offsetWidth > 10 && t.offsetHeight > 10).length);

async function firstAction(page: Page): Promise<{ planId: string; id: string; themeId: string }> {
	const plan = await planBySlug(page, NOG_PLAN);
	const detail = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as {
		chapters: { themes: { id: string; actions: { id: string }[] }[] }[];
	};
	const theme = detail.chapters.flatMap((c) => c.themes).find((t) => t.actions.length)!;
	return { planId: plan.id, id: theme.actions[0].id, themeId: theme.id };
}

async function noSidewaysScroll(page: Page): Promise<void> {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, 'sideways scroll in px').toBeLessThanOrEqual(0);
}

async function atBothWidths(page: Page, name: string): Promise<void> {
	for (const width of [1440, 320]) {
		await page.setViewportSize({ width, height: 900 });
		await noSidewaysScroll(page);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
	}
	await expectAccessible(page);
	await page.setViewportSize({ width: 1280, height: 900 });
}

test('a reader sees the card as a document: no inputs, no toolbars, no empty fields', async ({ page }) => {
	await login(page, 'viewer');
	const action = await firstAction(page);
	await page.goto(`/plannen/${action.planId}/acties/${action.id}`);
	await expect(page.locator('.kring-rte:visible .kring-rte__content').first()).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Leesweergave' })).toHaveCount(0);
	// the card's own form has no fields at all
	await expect(page.locator('.kring-action__card').locator('input, select, textarea')).toHaveCount(0);
	await expect(page.locator('.kring-action__card [disabled], .kring-action__card [readonly]')).toHaveCount(0);
	expect(await shownToolbars(page)).toBe(0);
	// an empty text field is left out, its label too
	const shown = page.locator('.kring-action__card .kring-rte:visible');
	for (const field of await shown.all()) await expect(field.locator('.kring-rte__content')).not.toHaveText('');
	// the meta line names the theme
	await expect(page.locator('.kring-card-head__where a')).toHaveAttribute('href', `/plannen/${action.planId}/themas/${action.themeId}`);
	await atBothWidths(page, 'card-reader');
});

test('an editor chooses the reading view, keeps it after a reload, and goes back to the form', async ({ page }) => {
	await login(page, 'editor');
	const action = await firstAction(page);
	await page.goto(`/plannen/${action.planId}/acties/${action.id}`);
	await expect(page.getByLabel('Voortgang in procenten')).toBeEditable();
	// one toolbar: only the focused field's
	expect(await shownToolbars(page)).toBe(0);
	await page.locator('.kring-rte__content').first().click();
	await expect.poll(() => shownToolbars(page)).toBe(1);
	await atBothWidths(page, 'card-editor');

	const toggle = page.getByRole('button', { name: 'Leesweergave' });
	await toggle.click();
	await expect(toggle).toHaveAttribute('aria-pressed', 'true');
	await expect(page.getByLabel('Voortgang in procenten')).toHaveCount(0);
	await expect(page.locator('.kring-action__card').locator('input, select, textarea')).toHaveCount(0);
	await page.reload();
	await expect(page.getByRole('button', { name: 'Leesweergave' })).toHaveAttribute('aria-pressed', 'true');
	await expect(page.getByLabel('Voortgang in procenten')).toHaveCount(0);
	await atBothWidths(page, 'card-editor-reading');

	await page.getByRole('button', { name: 'Leesweergave' }).click();
	await expect(page.getByLabel('Voortgang in procenten')).toBeEditable();
	await page.reload();
	await expect(page.getByLabel('Voortgang in procenten')).toBeEditable();
});

test('the planning is one select per edge, in Dutch month names, within the plan’s years', async ({ page }) => {
	await login(page, 'editor');
	const action = await firstAction(page);
	await page.goto(`/plannen/${action.planId}/acties/${action.id}`);
	const start = page.getByLabel('Start', { exact: true });
	await expect(start).toBeEnabled();
	await page.getByLabel('Per maand').check();
	const labels = await start.locator('option').allTextContents();
	expect(labels).toContain('maart 2025');
	expect(labels.filter((l) => /\d{4}$/.test(l)).every((l) => /^(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) 20(2[4-8])$/.test(l))).toBe(true);
	// costs once: no second cost text field outside its section
	await expect(page.getByRole('group', { name: 'Kosten en dekking' })).toHaveCount(1);
	await expect(page.locator('.kring-rte__label', { hasText: /^Kosten en dekking$/ })).toHaveCount(0);
});

test('a reader sees the theme as a document; an editor can choose it', async ({ page }) => {
	await login(page, 'viewer');
	const action = await firstAction(page);
	await page.goto(`/plannen/${action.planId}/themas/${action.themeId}`);
	await expect(page.locator('.kring-rte:visible .kring-rte__content').first()).toBeVisible();
	expect(await shownToolbars(page)).toBe(0);
	await expect(page.locator('.kring-rte--reading').first()).toBeVisible();
	await atBothWidths(page, 'theme-reader');
});

test('search finds a gemeente and a person of the reader’s region', async ({ page }) => {
	await login(page, 'ambassador');
	await page.goto('/zoeken?q=Apeldoorn');
	await expect(page.getByRole('heading', { name: 'Gemeenten' })).toBeVisible();
	await expect(page.locator('#zoek-gemeenten ~ ul mark', { hasText: 'Apeldoorn' }).first()).toBeVisible();
	await page.goto('/zoeken?q=Fatma');
	await expect(page.getByRole('heading', { name: 'Mensen' })).toBeVisible();
	await atBothWidths(page, 'search');
});

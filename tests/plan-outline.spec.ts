import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectAccessible, expectFitsPhone, login, NOG_PLAN, planBySlug } from './fixtures.ts';

/**
 * The plan page's outline (issue 15): a jump moves keyboard focus to the
 * theme, also from the drawer on a phone; the outline marks the theme being
 * read and counts its open threads; a theme section shows who has its text
 * or one of its cards open.
 */

interface Outline {
	chapters: { themes: { id: string; title: string; actions: { id: string; title: string }[] }[] }[];
}

async function openPlan(page: Page): Promise<{ planId: string; themes: Outline['chapters'][number]['themes'] }> {
	const plan = await planBySlug(page, NOG_PLAN);
	const outline = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as Outline;
	await page.goto(`/plannen/${plan.id}`);
	return { planId: plan.id, themes: outline.chapters.flatMap((c) => c.themes) };
}

const outlineNav = (page: Page) => page.getByRole('navigation', { name: 'Inhoud van het plan' });
const outlineLink = (page: Page, themeId: string) => outlineNav(page).locator(`a[data-theme="${themeId}"]`);
const section = (page: Page, themeId: string) => page.locator(`#onderdeel-${themeId}`);

async function top(locator: Locator): Promise<number> {
	return locator.evaluate((el) => el.getBoundingClientRect().top);
}

test('a jump from the outline moves keyboard focus to the theme, its heading in sight', async ({ page }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	const { themes } = await openPlan(page);
	const theme = themes[3];
	const link = outlineLink(page, theme.id);
	await link.focus();
	await page.keyboard.press('Enter');
	await expect(section(page, theme.id)).toBeFocused();
	await expect(page).toHaveURL(new RegExp(`#onderdeel-${theme.id}$`));
	const heading = page.locator(`#titel-${theme.id}`);
	await expect(heading).toBeInViewport();
	expect(await top(section(page, theme.id))).toBeGreaterThanOrEqual(0);
	await expect(link).toHaveAttribute('aria-current', 'location');
	// Tab goes on from the theme: its own heading link is next
	await page.keyboard.press('Tab');
	await expect(heading.getByRole('link')).toBeFocused();
	await page.screenshot({ path: '/tmp/outline-shots/plan-outline-1440.png' });
});

test('on a phone the drawer closes on a jump and focus lands on the theme, clear of the sticky button', async ({ page }) => {
	await login(page, 'viewer');
	await page.setViewportSize({ width: 320, height: 700 });
	const { themes } = await openPlan(page);
	const theme = themes[2];
	const opener = page.getByRole('button', { name: 'Inhoud van het plan' });
	await opener.focus();
	await page.keyboard.press('Enter');
	await expect(outlineNav(page)).toBeVisible();
	await page.screenshot({ path: '/tmp/outline-shots/plan-outline-320-drawer.png' });
	await outlineLink(page, theme.id).focus();
	await page.keyboard.press('Enter');
	await expect(outlineNav(page)).toBeHidden();
	await expect(section(page, theme.id)).toBeFocused();
	await expect(opener).not.toBeFocused();
	const button = (await opener.boundingBox())!;
	expect(await top(section(page, theme.id))).toBeGreaterThanOrEqual(button.y + button.height);
	await expect(page.locator(`#titel-${theme.id}`)).toBeInViewport();
	await page.screenshot({ path: '/tmp/outline-shots/plan-outline-320.png' });
});

test('the outline marks the theme being read as the reader scrolls', async ({ page }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	const { themes } = await openPlan(page);
	const current = outlineNav(page).locator('a[aria-current="location"]');
	for (const theme of [themes[4], themes[1]]) {
		await section(page, theme.id).evaluate((el) => window.scrollTo(0, window.scrollY + el.getBoundingClientRect().top - 40));
		await expect(outlineLink(page, theme.id)).toHaveAttribute('aria-current', 'location');
		await expect(current).toHaveCount(1);
	}
	// the mark is visible, not only for screen readers
	const style = (l: Locator) => l.evaluate((el) => `${getComputedStyle(el).fontWeight} ${getComputedStyle(el).backgroundColor}`);
	expect(await style(outlineLink(page, themes[1].id))).not.toBe(await style(outlineLink(page, themes[3].id)));
	await page.evaluate(() => window.scrollTo(0, 0));
	await expect(current).toHaveCount(0);
});

test('the outline counts open threads of a theme and its actions, live, in words for screen readers', async ({ page }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'editor');
	const { planId, themes } = await openPlan(page);
	const theme = themes[themes.length - 1];
	const link = outlineLink(page, theme.id);
	const badge = link.locator('[data-open-threads]');
	const before = (await badge.count()) ? Number(await badge.getAttribute('data-open-threads')) : 0;
	const words = (n: number) => (n === 1 ? '1 open reactie' : `${n} open reacties`);

	const post = async (target: { kind: 'theme' | 'action'; id: string }) => {
		const created = await page.request.post(`/api/plans/${planId}/threads`, { data: { target, body: `Telproef ${Date.now()}` } });
		expect(created.status()).toBe(201);
	};
	await post({ kind: 'action', id: theme.actions[0].id });
	await expect(badge).toHaveText(String(before + 1));
	await expect(link).toHaveAccessibleName(new RegExp(`, ${words(before + 1)}$`));
	await post({ kind: 'theme', id: theme.id });
	await expect(badge).toHaveText(String(before + 2));
	await expect(link).toHaveAccessibleName(new RegExp(`, ${words(before + 2)}$`));
	await page.screenshot({ path: '/tmp/outline-shots/plan-outline-threads-1440.png' });
});

test('a theme section shows who has one of its cards open, and not once they leave', async ({ page, browser }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	const { planId, themes } = await openPlan(page);
	const theme = themes[themes.length - 2];
	const action = theme.actions[theme.actions.length - 1];
	const here = section(page, theme.id).getByRole('list', { name: `Nu bezig in ${theme.title}` });

	const context = await browser.newContext();
	const editor = await context.newPage();
	try {
		await login(editor, 'editor');
		await editor.goto(`/plannen/${planId}/acties/${action.id}`);
		await expect(here.getByText('Joris van Dam')).toBeVisible({ timeout: 8000 });
		// only in that theme
		await expect(section(page, themes[0].id).locator('[data-theme-presence]')).toHaveCount(0);
		await page.locator(`#titel-${theme.id}`).evaluate((el) => el.scrollIntoView({ block: 'start' }));
		await page.screenshot({ path: '/tmp/outline-shots/plan-outline-presence.png' });
		await editor.goto('/');
		await expect(here.getByText('Joris van Dam')).toHaveCount(0, { timeout: 8000 });
	} finally {
		await context.close();
	}
});

test('offline, the theme section no longer claims anyone is at work; back online it knows again', async ({ page, browser }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	const { planId, themes } = await openPlan(page);
	const theme = themes[themes.length - 2];
	const action = theme.actions[0];
	const here = section(page, theme.id).getByRole('list', { name: `Nu bezig in ${theme.title}` });

	const context = await browser.newContext();
	const editor = await context.newPage();
	try {
		await login(editor, 'editor');
		await editor.goto(`/plannen/${planId}/acties/${action.id}`);
		await expect(here.getByText('Joris van Dam')).toBeVisible({ timeout: 8000 });
		await page.context().setOffline(true);
		await expect(here).toHaveCount(0);
		await page.context().setOffline(false);
		await expect(here.getByText('Joris van Dam')).toBeVisible({ timeout: 10_000 });
	} finally {
		await context.close();
	}
});

test('the plan page with its outline passes axe and does not scroll sideways at 320 px', async ({ page }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await login(page, 'viewer');
	const { themes } = await openPlan(page);
	await outlineLink(page, themes[1].id).click();
	await expectAccessible(page);
	await expectFitsPhone(page, 'plan page');
});

test('the outline drawer at 320 px passes axe', async ({ page }) => {
	await login(page, 'viewer');
	await openPlan(page);
	await page.setViewportSize({ width: 320, height: 700 });
	await page.getByRole('button', { name: 'Inhoud van het plan' }).click();
	await expect(outlineNav(page)).toBeVisible();
	await expectAccessible(page);
});

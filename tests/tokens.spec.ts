import { expect, test, type Locator } from '@playwright/test';
import { login, NOG_PLAN, planBySlug } from './fixtures.ts';

/**
 * Kring's colours come from design tokens (src/app.css): a gemeente's own NL
 * Design System theme restyles Kring, status colours included. Here a theme is
 * swapped in on the root element, the way a gemeente's theme stylesheet would.
 */

const color = (l: Locator, property: 'color' | 'background-color' = 'color') => l.evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);

test('a status badge takes its colour from the theme’s tokens', async ({ page }) => {
	await login(page, 'viewer');
	const plan = await planBySlug(page, NOG_PLAN);
	await page.goto(`/plannen/${plan.id}`);
	const badge = page.locator('.kring-status').first();
	const status = (await badge.getAttribute('class'))!.match(/kring-status--([a-z_]+)/)![1];
	const token = `--kring-status-${status.replace(/_/g, '-')}`;
	const before = { text: await color(badge), background: await color(badge, 'background-color') };
	expect(before.text).not.toBe('rgb(1, 2, 3)');

	// 1. a theme sets Kring's own status token
	const own = await page.addStyleTag({ content: `:root { ${token}-color: rgb(1, 2, 3); ${token}-bg: rgb(250, 240, 230); }` });
	await expect.poll(() => color(badge)).toBe('rgb(1, 2, 3)');
	await expect.poll(() => color(badge, 'background-color')).toBe(status === 'not_started' || status === 'dropped' ? before.background : 'rgb(250, 240, 230)');
	await own.evaluate((el) => (el as HTMLStyleElement).remove());
	await expect.poll(() => color(badge)).toBe(before.text);

	// 2. a gemeente's NL Design System theme sets the --basis-* tokens Kring's tokens are defined on
	await page.addStyleTag({
		content: `:root {
			--basis-color-default-color-subtle: rgb(11, 12, 13);
			--basis-color-info-color-default: rgb(11, 12, 13);
			--basis-color-warning-color-default: rgb(11, 12, 13);
			--basis-color-positive-color-default: rgb(11, 12, 13);
			--basis-color-accent-1-color-default: rgb(11, 12, 13);
			--basis-color-negative-color-default: rgb(11, 12, 13);
			--basis-color-action-1-color-default: rgb(21, 22, 23);
		}`
	});
	await expect.poll(() => color(badge)).toBe('rgb(11, 12, 13)');
	// the accent follows too: the site header and the links
	await expect.poll(() => color(page.locator('.kring-header'), 'background-color')).toBe('rgb(21, 22, 23)');
});

test('the inbox count is an NL Design System number badge and search hits are marks', async ({ page }) => {
	await login(page, 'editor');
	await page.goto('/zoeken?q=lokale%20teams');
	await expect(page.locator('mark.utrecht-mark').first()).toBeVisible();
	const mark = page.locator('mark.utrecht-mark').first();
	const markBackground = await color(mark, 'background-color');
	await page.addStyleTag({ content: ':root { --kring-highlight-bg-strong: rgb(200, 201, 202); }' });
	await expect.poll(() => color(mark, 'background-color')).toBe('rgb(200, 201, 202)');
	expect(markBackground).not.toBe('rgb(200, 201, 202)');
	const badge = page.locator('.kring-header__inbox .utrecht-number-badge');
	if ((await page.locator('.kring-header__inbox').getAttribute('data-unread')) !== '0') await expect(badge).toBeVisible();
	else await expect(badge).toHaveCount(0);
});

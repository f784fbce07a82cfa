import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const PASSWORD = 'samen-veilig-2026';

export const ACCOUNTS = {
	admin: { email: 'beheerder@kring.example', name: 'Sanne Bakker' },
	editor: { email: 'werkgroep@kring.example', name: 'Joris van Dam' },
	ambassador: { email: 'ambassadeur@kring.example', name: 'Fatma Yılmaz' },
	arnhem: { email: 'arnhem@kring.example', name: 'Ruben Mulder' },
	doetinchem: { email: 'doetinchem@kring.example', name: 'Noor Hendriks' },
	viewer: { email: 'lezer@kring.example', name: 'Els de Wit' }
} as const;

export type AccountName = keyof typeof ACCOUNTS;

/** Fails the test on any WCAG 2.1 A/AA violation axe finds on the current page. */
export async function expectAccessible(page: Page): Promise<void> {
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
	expect(summary, 'axe violations').toEqual([]);
}

export async function login(page: Page, account: AccountName, password = PASSWORD): Promise<void> {
	await page.goto('/login');
	await page.getByLabel('E-mailadres').fill(ACCOUNTS[account].email);
	await page.getByLabel('Wachtwoord').fill(password);
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
}

/**
 * WCAG 1.4.10: the page does not scroll sideways at its current width (a wide
 * table may scroll inside its own frame).
 */
/** Fails with the outermost elements that stick out on the right, so the cause is in the message. */
export async function expectNoSidewaysScroll(page: Page, name: string): Promise<void> {
	await page.waitForLoadState('load');
	const result = await page.evaluate(() => {
		const root = document.documentElement;
		const width = root.clientWidth;
		const describe = (el: Element) =>
			`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].filter((c) => !c.startsWith('svelte-')).join('.')}` : ''} (${Math.round(el.getBoundingClientRect().right)} px)`;
		// inside a box that scrolls or clips by itself, nothing moves the page
		const clipped = (el: Element) => {
			for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
				if (getComputedStyle(a).overflowX !== 'visible') return true;
			}
			return false;
		};
		const sticks = (el: Element) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > width + 1 && !clipped(el);
		const sticking: string[] = [];
		for (const el of document.body.querySelectorAll('*')) {
			if (!sticks(el) || (el.parentElement && sticks(el.parentElement))) continue;
			sticking.push(describe(el));
			if (sticking.length >= 5) break;
		}
		// a word wider than its box
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node && sticking.length < 5; node = walker.nextNode()) {
			const range = document.createRange();
			range.selectNodeContents(node);
			const parent = node.parentElement;
			if (parent && range.getBoundingClientRect().right > width + 1 && !clipped(node as unknown as Element) && !sticks(parent)) {
				sticking.push(`text “${(node.textContent ?? '').trim().slice(0, 40)}” in ${describe(parent)}`);
			}
		}
		return { scrollWidth: root.scrollWidth, clientWidth: width, sticking };
	});
	expect(result.scrollWidth, `${name} scrolls sideways at 320 px; sticking out: ${result.sticking.join(', ') || 'none found'}`).toBeLessThanOrEqual(
		result.clientWidth
	);
}

/** Checks the page at 320 px wide (expectNoSidewaysScroll), then goes back to a laptop's width. */
export async function expectFitsPhone(page: Page, name: string): Promise<void> {
	await page.setViewportSize({ width: 320, height: 800 });
	await expectNoSidewaysScroll(page, name);
	await page.setViewportSize({ width: 1280, height: 900 });
}

/** A form post from the page's own origin that asks for the JSON answer (as a forged or scripted post would). */
export async function postForm(page: Page, path: string, data: Record<string, string>) {
	const origin = new URL(page.url()).origin;
	return page.request.post(path, { form: data, headers: { origin, accept: 'application/json' } });
}

/** Signs out the way a person does: the "Uitloggen" button posts a form. */
export async function logout(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Uitloggen' }).click();
	await expect(page).toHaveURL(/\/login/);
}

export interface PlanSummary {
	id: string;
	slug: string;
	title: string;
}

/** A plan's id by its demo slug, through the JSON API as the page's user. */
export async function planBySlug(page: Page, slug: string): Promise<PlanSummary> {
	const response = await page.request.get('/api/plans');
	const { plans } = (await response.json()) as { plans: PlanSummary[] };
	const plan = plans.find((p) => p.slug === slug);
	if (!plan) throw new Error(`plan ${slug} not visible`);
	return plan;
}

export const NOG_PLAN = 'noord-oost-gelderland-uitvoeringsagenda-2024-2028';
export const ARNHEM_PLAN = 'arnhem-uitvoeringsplan-2024-2028';
export const SAMEN_VEILIG_PLAN = 'arnhem-achterhoek-samen-veilig-2019-2022';

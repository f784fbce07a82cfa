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

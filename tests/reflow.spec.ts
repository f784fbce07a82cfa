import { expect, test, type Page } from '@playwright/test';
import { ARNHEM_PLAN, expectAccessible, expectNoSidewaysScroll, login, NOG_PLAN, planBySlug, SAMEN_VEILIG_PLAN, type AccountName } from './fixtures.ts';

/**
 * WCAG 1.4.10 (reflow): every page of the demo, at 320 CSS px wide, without a
 * sideways scroll of the page itself (a wide table or timeline scrolls inside
 * its own frame), and without axe violations at that width.
 *
 * One test per page, named after it. People sign in at a laptop's width (the
 * header's "Uitloggen" is in the menu on a phone) and then the window narrows.
 */

// Every page is its own independent test: let both workers share them (the file is the slowest of the suite).
test.describe.configure({ mode: 'parallel' });

const NOG_REGION = 'noord-oost-gelderland';

async function narrow(page: Page): Promise<void> {
	await page.setViewportSize({ width: 320, height: 720 });
}

async function visit(page: Page, name: string, path: string): Promise<void> {
	const response = await page.goto(path);
	expect(response?.status(), `${name} (${path}) answers`).toBeLessThan(500);
	await expectNoSidewaysScroll(page, `${name} (${path})`);
	await expectAccessible(page);
}

/** An href on a page, by a CSS selector: the demo's own ids, as a person would follow them. */
async function hrefOn(page: Page, path: string, selector: string): Promise<string> {
	await page.goto(path);
	const href = await page.locator(selector).first().getAttribute('href');
	if (!href) throw new Error(`no link ${selector} on ${path}`);
	return href;
}

test.describe('reflow at 320 px: pages without an account', () => {
	const pages: [string, string][] = [
		['Inloggen', '/login'],
		['Wachtwoord vergeten', '/wachtwoord-vergeten'],
		['Toegankelijkheid', '/toegankelijkheid'],
		['Privacy', '/privacy'],
		['Installatie (verlopen link)', '/installatie/onbekend0000000000000000'],
		['Uitnodiging (verlopen link)', '/uitnodiging/onbekend0000000000000000'],
		['Nieuw wachtwoord (verlopen link)', '/wachtwoord-vergeten/onbekend0000000000000000'],
		['E-mail bevestigen (verlopen link)', '/e-mail-bevestigen/onbekend0000000000000000'],
		['E-mailadres gewijzigd', '/e-mail-bevestigen/gewijzigd'],
		['Afmelden voor e-mail (verlopen link)', '/afmelden/onbekend0000000000000000'],
		['Openbare versie (onbekende link)', '/openbaar/onbekend0000000000000000']
	];
	for (const [name, path] of pages) {
		test(name, async ({ page }) => {
			await narrow(page);
			await visit(page, name, path);
		});
	}
});

interface PageCase {
	name: string;
	account: AccountName;
	/** the path, found from the demo data as the account sees it */
	path: (page: Page) => Promise<string>;
}

const plan = (slug: string, rest = '') => async (page: Page) => `/plannen/${(await planBySlug(page, slug)).id}${rest}`;

const signedIn: PageCase[] = [
	{ name: 'Mijn Kring', account: 'ambassador', path: async () => '/' },
	{ name: 'Mijn account', account: 'editor', path: async () => '/account' },
	{ name: 'Beveiliging', account: 'editor', path: async () => '/account/beveiliging' },
	{ name: 'Inbox', account: 'editor', path: async () => '/inbox' },
	{ name: 'Zoeken', account: 'viewer', path: async () => '/zoeken?q=lokale%20teams' },
	{ name: 'Beheer: regio’s', account: 'admin', path: async () => '/beheer/regios' },
	{ name: 'Beheer: een regio', account: 'admin', path: async (page) => hrefOn(page, '/beheer/regios', 'a[href^="/beheer/regios/"]') },
	{ name: 'Beheer: logboek', account: 'admin', path: async () => '/beheer/logboek' },
	{ name: 'Beheer: tweestapsverificatie', account: 'admin', path: async () => '/beheer/mfa' },
	{ name: 'Regio', account: 'viewer', path: async () => `/regios/${NOG_REGION}` },
	{ name: 'Regio als beheerder', account: 'admin', path: async () => `/regios/${NOG_REGION}` },
	{ name: 'Regio: leden', account: 'admin', path: async () => `/regios/${NOG_REGION}/leden` },
	{ name: 'Regio: logboek', account: 'admin', path: async () => `/regios/${NOG_REGION}/logboek` },
	{ name: 'Regio: plan importeren', account: 'admin', path: async () => `/regios/${NOG_REGION}/importeren` },
	{ name: 'Gemeente', account: 'viewer', path: async (page) => hrefOn(page, `/regios/${NOG_REGION}`, 'a[href^="/gemeenten/"]') },
	{ name: 'Plan (lezer)', account: 'viewer', path: plan(NOG_PLAN) },
	{ name: 'Plan (werkgroep)', account: 'editor', path: plan(NOG_PLAN) },
	{ name: 'Plan van een gemeente', account: 'arnhem', path: plan(ARNHEM_PLAN) },
	{ name: 'Plan met begroting en indicatoren', account: 'viewer', path: plan(SAMEN_VEILIG_PLAN) },
	{ name: 'Inleiding', account: 'editor', path: plan(NOG_PLAN, '/inleiding') },
	{
		name: 'Thema',
		account: 'ambassador',
		path: async (page) => hrefOn(page, await plan(NOG_PLAN)(page), '.kring-theme h3 a[href*="/themas/"]')
	},
	{
		name: 'Actiekaart',
		account: 'editor',
		path: async (page) => hrefOn(page, await plan(NOG_PLAN)(page), 'a.kring-action-line__title')
	},
	{
		name: 'Actiekaart (lezer)',
		account: 'viewer',
		path: async (page) => hrefOn(page, await plan(SAMEN_VEILIG_PLAN)(page), 'a.kring-action-line__title')
	},
	{ name: 'Bord', account: 'editor', path: plan(NOG_PLAN, '/bord') },
	{ name: 'Bord van een thema', account: 'ambassador', path: async (page) => hrefOn(page, await plan(NOG_PLAN)(page), 'a.kring-theme__board') },
	{ name: 'Tijdlijn', account: 'viewer', path: plan(NOG_PLAN, '/tijdlijn') },
	{ name: 'Lokale uitvoering', account: 'arnhem', path: plan(SAMEN_VEILIG_PLAN, '/matrix') },
	{ name: 'Reacties', account: 'viewer', path: plan(NOG_PLAN, '/reacties') },
	{ name: 'Evaluaties', account: 'admin', path: plan(NOG_PLAN, '/evaluaties') },
	{ name: 'Begroting', account: 'viewer', path: plan(SAMEN_VEILIG_PLAN, '/begroting') },
	{ name: 'Indicatoren', account: 'editor', path: plan(SAMEN_VEILIG_PLAN, '/indicatoren') },
	{ name: 'Instellingen', account: 'editor', path: plan(NOG_PLAN, '/instellingen') },
	{ name: 'Archief', account: 'editor', path: plan(NOG_PLAN, '/archief') }
];

test.describe('reflow at 320 px: pages of a signed-in person', () => {
	for (const c of signedIn) {
		test(c.name, async ({ page }) => {
			await login(page, c.account);
			const path = await c.path(page);
			await narrow(page);
			await visit(page, c.name, path);
		});
	}
});

test.describe('reflow at 320 px: an evaluation in preparation', () => {
	// A draft cycle of Arnhem's own plan: opening none, so nobody gets reminders.
	test('evaluation pages', async ({ page }) => {
		await login(page, 'admin');
		const arnhem = await planBySlug(page, ARNHEM_PLAN);
		await page.goto(`/plannen/${arnhem.id}/evaluaties`);
		const title = `Reflow ${Date.now().toString(36)}`;
		await page.getByLabel('Naam', { exact: true }).fill(title);
		await page.getByRole('button', { name: 'Evaluatie aanmaken' }).click();
		const link = page.getByRole('link', { name: title });
		await expect(link).toBeVisible();
		const cycle = (await link.getAttribute('href'))!;
		await narrow(page);
		await visit(page, 'Evaluatie: voorbereiding', cycle);
		await visit(page, 'Evaluatie: sessie', `${cycle}/sessie`);
		await visit(page, 'Evaluatie: verslag', `${cycle}/verslag`);
	});
});

test.describe('reflow at 320 px: the header menu and the plan drawer', () => {
	test('the header menu opens, Escape closes it and focus returns to its button', async ({ page }) => {
		await login(page, 'editor');
		await narrow(page);
		await page.goto('/');
		const menu = page.getByRole('button', { name: 'Menu' });
		await expect(menu).toHaveAttribute('aria-expanded', 'false');
		await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeHidden();
		await menu.focus();
		await page.keyboard.press('Enter');
		await expect(menu).toHaveAttribute('aria-expanded', 'true');
		await expect(page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Mijn account' })).toBeVisible();
		await page.keyboard.press('Tab');
		await expect(page.getByRole('link', { name: 'Mijn Kring' })).toBeFocused();
		await page.keyboard.press('Escape');
		await expect(menu).toHaveAttribute('aria-expanded', 'false');
		await expect(menu).toBeFocused();
		await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeHidden();
		// the header is one row: Kring, the inbox and the menu side by side
		const tops = await Promise.all(
			[page.locator('.kring-header__brand'), page.locator('.kring-header__inbox'), menu].map(async (l) => (await l.boundingBox())!)
		);
		// (also with an unread count on the inbox: every box overlaps every other vertically)
		for (const a of tops) for (const b of tops) expect(a.y).toBeLessThan(b.y + b.height);
		expect((await page.locator('.kring-header').boundingBox())!.height).toBeLessThan(80);
	});

	test('the plan outline is a drawer on a phone: it opens, a jump closes it, Escape returns focus', async ({ page }) => {
		await login(page, 'viewer');
		const nog = await planBySlug(page, NOG_PLAN);
		await narrow(page);
		await page.goto(`/plannen/${nog.id}`);
		const outline = page.getByRole('navigation', { name: 'Inhoud van het plan' });
		await expect(outline).toBeHidden();
		const opener = page.getByRole('button', { name: 'Inhoud van het plan' });
		await opener.click();
		await expect(outline).toBeVisible();
		await expect(outline.getByRole('button', { name: 'Sluiten' })).toBeFocused();
		await expectAccessible(page);
		await page.keyboard.press('Escape');
		await expect(outline).toBeHidden();
		await expect(opener).toBeFocused();
		await opener.click();
		const first = outline.getByRole('link').first();
		const target = (await first.getAttribute('href'))!;
		await first.click();
		await expect(outline).toBeHidden();
		await expect(page).toHaveURL(new RegExp(`${target}$`));
	});

	test('the board’s filters fold away behind a Filters button, and open again', async ({ page }) => {
		await login(page, 'viewer');
		const nog = await planBySlug(page, NOG_PLAN);
		await narrow(page);
		await page.goto(`/plannen/${nog.id}/bord?niveau=regionaal`);
		const toggle = page.getByRole('button', { name: /^Filters( \(.*\))?$/ });
		await expect(toggle).toHaveText(/Filters \(1 aan\)/);
		await expect(page.getByLabel('Niveau')).toBeHidden();
		await toggle.click();
		await expect(toggle).toHaveAttribute('aria-expanded', 'true');
		await expect(page.getByLabel('Niveau')).toHaveValue('regionaal');
		await expectNoSidewaysScroll(page, 'Bord met filters open');
	});

	test('the matrix keeps its gemeente names and actions in view while it scrolls both ways', async ({ page }) => {
		await login(page, 'viewer');
		const sv = await planBySlug(page, SAMEN_VEILIG_PLAN);
		await narrow(page);
		await page.goto(`/plannen/${sv.id}/matrix`);
		const frame = page.locator('.kring-matrix');
		const header = page.locator('thead th').nth(1);
		const rowHead = page.locator('tbody th').first();
		const before = { header: (await header.boundingBox())!, row: (await rowHead.boundingBox())! };
		await frame.evaluate((el) => el.scrollBy(200, 300));
		const after = { header: (await header.boundingBox())!, row: (await rowHead.boundingBox())! };
		expect(Math.round(after.header.y)).toBe(Math.round(before.header.y)); // the gemeente names stay on top
		expect(Math.round(after.row.x)).toBe(Math.round(before.row.x)); // the actions stay on the left
	});
});

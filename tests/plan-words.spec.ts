import { expect, test, type Browser, type Page } from '@playwright/test';
import { ACCOUNTS, expectAccessible, expectFitsPhone, login, planBySlug, SAMEN_VEILIG_PLAN, type AccountName } from './fixtures.ts';

/**
 * A plan's own level words reach beyond the plan: an admin calls the themes of
 * "Samen veilig" bouwstenen, and Noor (lezer in that region) sees a mention on
 * one as "Bouwsteen: …" in her inbox, on Mijn Kring and in search. A person is
 * named by their strongest role in a region: Fatma, lezer and ambassador, is
 * "Ambassadeur …", not "Lezer".
 */

async function asUser(browser: Browser, account: AccountName): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await login(page, account);
	return page;
}

async function firstTheme(page: Page, planId: string) {
	const detail = (await (await page.request.get(`/api/plans/${planId}`)).json()) as {
		chapters: { themes: { id: string; title: string }[] }[];
	};
	return detail.chapters.flatMap((c) => c.themes)[0];
}

/** Sets the plan's words for a theme on its settings page, as an admin does; returns the words it had. */
async function setThemeWords(page: Page, planId: string, singular: string, plural: string) {
	await page.goto(`/plannen/${planId}/instellingen`);
	const one = page.getByLabel('Thema, enkelvoud');
	const many = page.getByLabel('Thema, meervoud');
	const before = { singular: await one.inputValue(), plural: await many.inputValue() };
	await one.fill(singular);
	await many.fill(plural);
	await page.getByRole('button', { name: 'Instellingen opslaan' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'De instellingen zijn opgeslagen.' })).toBeVisible();
	return before;
}

test('a plan’s own word for its themes shows in the inbox, on Mijn Kring and in search', async ({ browser }) => {
	// three people, five pages checked with axe at two widths: a slow machine needs the time
	test.setTimeout(150_000);
	const admin = await asUser(browser, 'admin');
	const plan = await planBySlug(admin, SAMEN_VEILIG_PLAN);
	const theme = await firstTheme(admin, plan.id);
	const before = await setThemeWords(admin, plan.id, 'Bouwsteen', 'bouwstenen');
	try {
		const started = await admin.request.post(`/api/plans/${plan.id}/threads`, {
			data: { target: { kind: 'theme', id: theme.id }, body: `Wil jij hier meelezen, @${ACCOUNTS.doetinchem.name}?` },
			headers: { origin: new URL(admin.url()).origin }
		});
		expect(started.ok()).toBe(true);

		const noor = await asUser(browser, 'doetinchem');
		await noor.goto('/inbox');
		const item = noor.getByRole('listitem').filter({ hasText: `${ACCOUNTS.admin.name} noemde je` }).first();
		await expect(item).toContainText(`Bouwsteen: ${theme.title}`);
		await expect(item).not.toContainText('Onderdeel:');
		await expectAccessible(noor);
		await expectFitsPhone(noor, 'Inbox');
		await noor.setViewportSize({ width: 320, height: 800 });
		await noor.screenshot({ path: test.info().outputPath('inbox-320.png'), fullPage: true });
		await noor.setViewportSize({ width: 1440, height: 900 });
		await noor.screenshot({ path: test.info().outputPath('inbox-1440.png') });

		await noor.goto('/');
		await expect(noor.getByRole('link', { name: `Bouwsteen: ${theme.title}` }).first()).toBeVisible();
		await expectAccessible(noor);
		await expectFitsPhone(noor, 'Mijn Kring');

		await noor.goto(`/zoeken?q=${encodeURIComponent(theme.title)}`);
		const hit = noor.getByRole('listitem').filter({ has: noor.getByRole('heading', { name: theme.title }) });
		await expect(hit.first()).toContainText(`Bouwsteen · ${plan.title}`);
		await expectAccessible(noor);
		await expectFitsPhone(noor, 'Zoeken');
	} finally {
		await setThemeWords(admin, plan.id, before.singular, before.plural);
	}
});

test('an ambassador is named as ambassador of the theme, not as lezer', async ({ browser }) => {
	test.setTimeout(120_000);
	const fatma = await asUser(browser, 'ambassador');
	await fatma.goto('/');
	const region = fatma.getByRole('listitem').filter({ has: fatma.getByRole('link', { name: 'Noord-Oost Gelderland' }) });
	await expect(region).toContainText('· Ambassadeur ');
	await expect(region).not.toContainText('Lezer');
	// her themes are headed with their plans' own plural when they share one (another test may import a plan
	// that names her too), else with the general word
	const { plans } = (await (await fatma.request.get('/api/plans')).json()) as { plans: { id: string }[] };
	const plurals = new Set<string>();
	for (const { id } of plans) {
		const detail = (await (await fatma.request.get(`/api/plans/${id}`)).json()) as {
			levels: { themePlural: string };
			chapters: { themes: { ambassadors: { name: string }[] }[] }[];
		};
		const hers = detail.chapters.some((c) => c.themes.some((t) => t.ambassadors.some((a) => a.name === ACCOUNTS.ambassador.name)));
		if (hers) plurals.add(detail.levels.themePlural);
	}
	expect(plurals.size).toBeGreaterThan(0);
	const heading = fatma.getByRole('heading', { level: 2, name: /^Mijn .+ als ambassadeur$/ });
	await expect(heading).toHaveText(plurals.size === 1 ? `Mijn ${[...plurals][0]} als ambassadeur` : 'Mijn onderdelen als ambassadeur');
	await expectAccessible(fatma);
	await expectFitsPhone(fatma, 'Mijn Kring van een ambassadeur');
	await fatma.setViewportSize({ width: 320, height: 800 });
	await fatma.screenshot({ path: test.info().outputPath('home-320.png'), fullPage: true });
	await fatma.setViewportSize({ width: 1440, height: 900 });
	await fatma.screenshot({ path: test.info().outputPath('home-1440.png'), fullPage: true });

	// her account page names her role in the region the same way, and fits a phone
	await fatma.goto('/account');
	const role = fatma.locator('dt', { hasText: 'Rol in Noord-Oost Gelderland' }).locator('xpath=following-sibling::dd[1]');
	await expect(role).toContainText('Ambassadeur ');
	await expectAccessible(fatma);
	await expectFitsPhone(fatma, 'Mijn account');

	// the members page lists her roles strongest first: the ambassadorship before Lezer
	const admin = await asUser(browser, 'admin');
	await admin.goto('/regios/noord-oost-gelderland/leden');
	const member = admin.locator(`[data-member="${ACCOUNTS.ambassador.email}"]`);
	const roles = member.getByRole('list', { name: 'Rollen' }).getByRole('listitem');
	await expect(roles.first()).toContainText('Ambassadeur');
	await expect(roles.last()).toContainText('Lezer');
	await expectAccessible(admin);
	await expectFitsPhone(admin, 'Leden');
});

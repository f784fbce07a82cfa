import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible, login, NOG_PLAN, planBySlug, SAMEN_VEILIG_PLAN } from './fixtures.ts';

/**
 * A region admin brings people in: invitations (without SMTP the admin copies
 * the link from the page), accepting in a fresh browser, roles that take
 * effect at once, and the ambassadors of a theme. New people only — the demo
 * accounts keep their roles, other tests rely on them.
 */

// Each test signs in several people and runs axe on several pages: more than the default 45 s on a loaded 2-core machine.
test.describe.configure({ timeout: 90_000 });

const NEW_PASSWORD = 'een-nieuw-lang-wachtwoord';
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function expectNoSidewaysScroll(page: Page): Promise<void> {
	await page.setViewportSize({ width: 320, height: 800 });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, 'sideways scroll at 320 px').toBeLessThanOrEqual(0);
	// nothing sticks out of the viewport either (a clipping ancestor would hide the scroll, not the problem)
	const sticking = await page.evaluate(() =>
		[...document.querySelectorAll('main *')]
			.filter((el) => {
				const box = el.getBoundingClientRect();
				return box.width > 0 && box.right > document.documentElement.clientWidth + 1;
			})
			.map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
	);
	expect(sticking, 'elements wider than 320 px').toEqual([]);
	await page.setViewportSize({ width: 1280, height: 800 });
}

/** The admin invites one address with a role (the option's visible text) and reads the link from the page. */
async function invite(page: Page, regionSlug: string, email: string, role: string): Promise<string> {
	await page.goto(`/regios/${regionSlug}/leden`);
	await page.getByLabel('E-mailadressen').first().fill(email);
	await page.locator('#invite-role').selectOption({ label: role });
	await page.getByRole('button', { name: 'Uitnodigen', exact: true }).click();
	const link = page.getByLabel(`Uitnodigingslink voor ${email}`);
	await expect(link).toBeVisible();
	await expect(page.getByText('E-mail staat uit op deze installatie')).toBeVisible();
	return link.inputValue();
}

/** A fresh browser opens the link, sets a name and password, and lands in the region. */
async function accept(browser: Browser, link: string, name: string, regionName: string): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	const response = await page.goto(link);
	expect(response?.status()).toBe(200);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Uitnodiging voor regio ${regionName}`);
	await expectAccessible(page);
	await expectNoSidewaysScroll(page);
	await page.getByLabel('Je naam').fill(name);
	await page.getByLabel('Wachtwoord', { exact: true }).fill(NEW_PASSWORD);
	await page.getByLabel('Herhaal het wachtwoord').fill(NEW_PASSWORD);
	await page.getByRole('button', { name: 'Uitnodiging aannemen' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Regio ${regionName}`);
	await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
	return page;
}

async function firstRegionalAction(page: Page, slug: string): Promise<{ planId: string; actionId: string }> {
	const plan = await planBySlug(page, slug);
	const detail = await (await page.request.get(`/api/plans/${plan.id}`)).json();
	const actions: { id: string; level: string }[] = detail.chapters.flatMap((c: { themes: { actions: { id: string; level: string }[] }[] }) =>
		c.themes.flatMap((t) => t.actions)
	);
	return { planId: plan.id, actionId: actions.find((a) => a.level === 'regional')!.id };
}

test('the admin invites a lezer, who accepts in a fresh browser and can read but not edit', async ({ page, browser }) => {
	await login(page, 'admin');
	await page.goto('/regios/noord-oost-gelderland');
	await page.getByRole('link', { name: 'Leden', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leden van regio Noord-Oost Gelderland');
	// the demo ambassadors without account are shown plainly
	await expect(page.locator('[data-member="marloes.verhoef@apeldoorn.example"]')).toContainText('geen account');
	await expectAccessible(page);

	const email = `lezer-${unique()}@example.test`;
	const link = await invite(page, 'noord-oost-gelderland', email, 'Lezer');
	expect(link).toMatch(/\/uitnodiging\/[a-z2-7]{32}$/);
	await expectAccessible(page);
	await expectNoSidewaysScroll(page);
	await expect(page.locator(`[data-invitation="${email}"]`)).toContainText('Lezer');

	const reader = await accept(browser, link, 'Nieuwe Lezer', 'Noord-Oost Gelderland');
	const { planId, actionId } = await firstRegionalAction(reader, NOG_PLAN);
	await reader.goto(`/plannen/${planId}/acties/${actionId}`);
	await expect(reader.getByText('Je kunt deze actie lezen, niet bewerken.')).toBeVisible();
	await expect(reader.locator('[contenteditable]').first()).toHaveAttribute('aria-readonly', 'true');
	// the members page is for admins only
	expect((await reader.goto('/regios/noord-oost-gelderland/leden'))?.status()).toBe(403);
	expect((await reader.request.get('/api/regions/noord-oost-gelderland/members')).status()).toBe(403);

	// the link worked once
	const again = await reader.context().browser()!.newContext();
	const second = await again.newPage();
	expect((await second.goto(link))?.status()).toBe(410);
	await expect(second.getByText('Deze uitnodiging is al gebruikt.')).toBeVisible();
	await expectAccessible(second);
	await again.close();

	await page.reload();
	await expect(page.locator(`[data-member="${email}"]`)).toContainText('Laatst ingelogd');
	await expect(page.locator(`[data-invitation="${email}"]`)).toHaveCount(0);
	const api = await (await page.request.get('/api/regions/noord-oost-gelderland/members')).json();
	expect(api.members.find((m: { email: string }) => m.email === email)).toMatchObject({ name: 'Nieuwe Lezer', roles: [{ role: 'viewer' }] });

	// the demo beheerder is the instance admin: deactivating ends the reader's session at once
	const card = page.locator(`[data-member="${email}"]`);
	await card.getByText('Wijzigen').click();
	await card.getByRole('button', { name: 'Account uitschakelen' }).click();
	await expect(page.getByText('Het account van Nieuwe Lezer is uitgeschakeld.')).toBeVisible();
	await expect(card).toContainText('uitgeschakeld');
	await reader.goto('/');
	await expect(reader).toHaveURL(/\/login/);
	await reader.context().close();
});

test('a new editor with an open card turns read-only within 5 s when the admin lowers them to lezer', async ({ page, browser }) => {
	await login(page, 'admin');
	const email = `werkgroep-${unique()}@example.test`;
	const link = await invite(page, 'arnhem-achterhoek', email, 'Werkgroeplid');
	const editor = await accept(browser, link, 'Nieuw Werkgroeplid', 'Arnhem-Achterhoek');

	const { planId, actionId } = await firstRegionalAction(editor, SAMEN_VEILIG_PLAN);
	await editor.goto(`/plannen/${planId}/acties/${actionId}`);
	const field = editor.locator('[contenteditable]').first();
	await expect(field).toHaveAttribute('contenteditable', 'true');
	await expect(field).not.toHaveAttribute('aria-readonly', 'true');
	await expect(editor.getByText('Je kunt deze actie lezen, niet bewerken.')).toHaveCount(0);

	await page.goto('/regios/arnhem-achterhoek/leden');
	const card = page.locator(`[data-member="${email}"]`);
	await card.getByText('Wijzigen').click();
	await card.getByLabel('Rol in de regio').selectOption('viewer');
	await card.getByRole('button', { name: 'Rol opslaan' }).click();
	await expect(page.getByText('De rol van Nieuw Werkgroeplid is aangepast.')).toBeVisible();
	const lowered = Date.now();
	await expect(field).toHaveAttribute('aria-readonly', 'true', { timeout: 5_000 });
	expect(Date.now() - lowered).toBeLessThan(5_000);
	await expect(card).toContainText('Lezer');
	await editor.context().close();
});

test('a withdrawn link and an unknown link get a clear Dutch page, not an error', async ({ page, browser }) => {
	await login(page, 'admin');
	const email = `ingetrokken-${unique()}@example.test`;
	const link = await invite(page, 'noord-oost-gelderland', email, 'Lezer');
	await page.getByRole('button', { name: `Intrekken voor ${email}` }).click();
	await expect(page.getByText(`De uitnodiging voor ${email} is ingetrokken.`)).toBeVisible();

	const context = await browser.newContext();
	const stranger = await context.newPage();
	expect((await stranger.goto(link))?.status()).toBe(410);
	await expect(stranger.getByRole('heading', { level: 1 })).toHaveText('Uitnodiging werkt niet');
	await expect(stranger.getByText('Deze uitnodiging is ingetrokken door de beheerder.')).toBeVisible();
	expect((await stranger.goto('/uitnodiging/abcdefghijklmnopqrstuvwxyz234567'))?.status()).toBe(404);
	await expect(stranger.getByText('Deze uitnodigingslink bestaat niet (meer).')).toBeVisible();
	await expectAccessible(stranger);
	await context.close();
});

test('bad invitations are refused with a Dutch message; strangers get 404', async ({ page, browser }) => {
	await login(page, 'admin');
	await page.goto('/regios/noord-oost-gelderland/leden');
	await page.getByLabel('E-mailadressen').first().fill('goed@example.test, geen-adres');
	await page.getByRole('button', { name: 'Uitnodigen', exact: true }).click();
	await expect(page.getByText('Deze adressen kloppen niet: geen-adres. Er is niemand uitgenodigd.')).toBeVisible();
	await page.getByLabel('E-mailadressen').first().fill('lezer@kring.example');
	await page.getByRole('button', { name: 'Uitnodigen', exact: true }).click();
	await expect(page.getByText('Deze mensen hebben al een rol in de regio: lezer@kring.example.')).toBeVisible();
	// the last admin cannot lower themselves
	const me = page.locator('[data-member="beheerder@kring.example"]');
	await me.getByText('Wijzigen').click();
	await me.getByLabel('Rol in de regio').selectOption('viewer');
	await me.getByRole('button', { name: 'Rol opslaan' }).click();
	await expect(page.getByText('de regio heeft dan geen beheerder meer')).toBeVisible();
	await expect(me).toContainText('Beheerder');

	// a gemeente editor of Arnhem has no role in Noord-Oost Gelderland: 404, page and API
	const context = await browser.newContext();
	const stranger = await context.newPage();
	await login(stranger, 'arnhem');
	expect((await stranger.goto('/regios/noord-oost-gelderland/leden'))?.status()).toBe(404);
	expect((await stranger.request.get('/api/regions/noord-oost-gelderland/members')).status()).toBe(404);
	// a forged invitation post by a member who is no admin changes nothing
	const forged = await stranger.request.post('/regios/arnhem-achterhoek/leden?/invite', {
		form: { emails: 'ingesmokkeld@example.test', role: 'admin' },
		headers: { Origin: new URL(stranger.url()).origin, Accept: 'text/html' }
	});
	expect(forged.status()).toBe(403);
	await context.close();
	await page.goto('/regios/arnhem-achterhoek/leden');
	await expect(page.locator('[data-invitation="ingesmokkeld@example.test"]')).toHaveCount(0);
});

test('a plan editor names an ambassador without account on the theme page and removes them', async ({ page }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	const detail = await (await page.request.get(`/api/plans/${plan.id}`)).json();
	const themes: { id: string }[] = detail.chapters.flatMap((c: { themes: { id: string }[] }) => c.themes);
	const theme = themes[themes.length - 1];
	await page.goto(`/plannen/${plan.id}/themas/${theme.id}`);
	await page.getByText('Ambassadeurs aanpassen').click();
	const name = `Iris Veld ${unique()}`;
	await page.getByLabel('Naam', { exact: true }).fill(name);
	await page.getByLabel('Organisatie').fill('GGD Gelderland-Zuid');
	await page.getByRole('button', { name: 'Voeg toe zonder account' }).click();
	await expect(page.getByText(`${name} is ambassadeur van dit onderdeel.`)).toBeVisible();
	const row = page.locator('.kring-ambassadors li', { hasText: name });
	await expect(row).toContainText('geen account');
	await expect(row).toContainText('GGD Gelderland-Zuid');
	await expectAccessible(page);
	await page.getByRole('button', { name: `Haal ${name} weg als ambassadeur` }).click();
	await expect(page.getByText('De ambassadeur is weggehaald.')).toBeVisible();
	await expect(page.locator('.kring-ambassadors li', { hasText: name })).toHaveCount(0);
});

test('a reader sees the ambassadors but cannot change them, and a forged post is refused', async ({ page }) => {
	await login(page, 'viewer');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	const detail = await (await page.request.get(`/api/plans/${plan.id}`)).json();
	const theme = detail.chapters[0].themes[0];
	await page.goto(`/plannen/${plan.id}/themas/${theme.id}`);
	await expect(page.getByText('Ambassadeurs aanpassen')).toHaveCount(0);
	const forged = await page.request.post(`/plannen/${plan.id}/themas/${theme.id}?/addAmbassador`, {
		form: { kind: 'person', name: 'Ingesmokkeld', municipalityId: '', organisation: 'X' },
		headers: { Origin: new URL(page.url()).origin, Accept: 'text/html' }
	});
	expect(forged.status()).toBe(403);
	await page.reload();
	await expect(page.getByText('Ingesmokkeld')).toHaveCount(0);
});

import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, login, NOG_PLAN, planBySlug } from './fixtures';

/**
 * Ambassador check-ins on the Noord-Oost Gelderland agenda: the werkgroep sets
 * a rhythm, the ambassador (Fatma Yılmaz, of "Sterke lokale teams") is asked
 * in her inbox and files a check-in with a status change, the digest lists
 * it, and after two more rounds a theme whose ambassadors never answered is
 * marked stale while hers is not.
 */
const OWN_THEME = 'Sterke lokale teams';
const OTHER_THEME = 'Gefaseerd Samenwerken voor Veiligheid';

type Outline = { chapters: { themes: { id: string; title: string; actions: { id: string; title: string; status: string }[] }[] }[] };

async function themeByTitle(page: Page, planId: string, title: string) {
	const plan = (await (await page.request.get(`/api/plans/${planId}`)).json()) as Outline;
	const theme = plan.chapters.flatMap((c) => c.themes).find((t) => t.title === title);
	if (!theme) throw new Error(`no theme ${title}`);
	return theme;
}

async function noSidewaysScroll(page: Page) {
	await page.setViewportSize({ width: 320, height: 800 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
	await expectAccessible(page);
}

test('an ambassador is asked, files a check-in, the digest lists it and another theme turns stale', async ({ browser }) => {
	test.setTimeout(180_000);
	const editorContext = await browser.newContext();
	const editor = await editorContext.newPage();
	await login(editor, 'editor');
	const plan = await planBySlug(editor, NOG_PLAN);

	// the werkgroep sets a quarterly rhythm: the current quarter's round starts and asks the ambassadors
	await editor.goto(`/plannen/${plan.id}/instellingen#checkins`);
	const settings = editor.locator('#checkins');
	await settings.getByLabel('Hoe vaak vragen we om een check-in?').selectOption('quarter');
	await settings.getByRole('button', { name: 'Opslaan' }).click();
	await expect(settings.getByRole('status')).toContainText('om een check-in gevraagd');
	await expect(settings.getByLabel('Hoe vaak vragen we om een check-in?')).toHaveValue('quarter');
	await expectAccessible(editor);
	await editor.setViewportSize({ width: 1440, height: 900 });
	await settings.screenshot({ path: test.info().outputPath('checkin-settings-1440.png') });

	// the ambassador finds the request in her inbox
	const ambassadorContext = await browser.newContext();
	const ambassador = await ambassadorContext.newPage();
	await login(ambassador, 'ambassador');
	await ambassador.goto('/inbox');
	const item = ambassador.locator('.kring-inbox__item', { hasText: `Je wordt gevraagd om een check-in voor thema ‘${OWN_THEME}’` });
	await expect(item).toHaveCount(1);
	await expectAccessible(ambassador);
	await item.getByRole('link', { name: 'Check-in geven' }).click();
	await expect(ambassador.getByRole('heading', { level: 1, name: `Check-in: ${OWN_THEME}` })).toBeVisible();
	await expectAccessible(ambassador);

	const theme = await themeByTitle(ambassador, plan.id, OWN_THEME);
	const action = theme.actions[0];
	const newStatus = action.status === 'at_risk' ? 'in_progress' : 'at_risk';
	await ambassador.getByLabel('Wat is er gebeurd?').fill('Werkbijeenkomst met de wijkteams van Apeldoorn en Epe gehouden.');
	await ambassador.getByLabel('Wat gaat er komen?').fill('Een training over de meldcode in maart.');
	// the client-data guard watches the check-in too: a phone number warns, the rewrite takes it out
	const help = ambassador.getByLabel('Waar is hulp nodig?');
	await help.fill('Een zaal voor veertig mensen, bel mevrouw op 06-12345678.');
	const phoneWarning = ambassador.getByRole('status').filter({ hasText: 'telefoonnummer' });
	await expect(phoneWarning).toBeVisible();
	await ambassador.getByRole('button', { name: 'Vervang door [verwijderd]' }).click();
	await expect(help).toHaveValue('Een zaal voor veertig mensen, bel mevrouw op [verwijderd].');
	await expect(phoneWarning).toHaveCount(0);
	await help.fill('Een zaal voor veertig mensen.');
	await ambassador.getByLabel(action.title, { exact: true }).selectOption(newStatus);
	await ambassador.setViewportSize({ width: 1440, height: 900 });
	await ambassador.screenshot({ path: test.info().outputPath('checkin-form-1440.png'), fullPage: true });
	await ambassador.getByRole('button', { name: 'Check-in versturen' }).click();
	await expect(ambassador.getByRole('status').filter({ hasText: 'Je check-in is opgeslagen' })).toBeVisible();
	await expect(ambassador.locator('.kring-checkin', { hasText: 'Werkbijeenkomst met de wijkteams' })).toBeVisible();
	await noSidewaysScroll(ambassador);
	await ambassador.screenshot({ path: test.info().outputPath('checkin-form-320.png'), fullPage: true });

	// the status became the action's own; the API carries the check-in
	await expect.poll(async () => (await themeByTitle(ambassador, plan.id, OWN_THEME)).actions[0].status).toBe(newStatus);
	const list = (await (await ambassador.request.get(`/api/plans/${plan.id}/checkins`)).json()) as {
		themeId: string;
		author: { id: string; name: string };
		createdAt: number;
		happened: string;
		next: string;
		help: string;
		statuses: { actionId: string; status: string; previous: string }[];
	}[];
	expect(list[0]).toMatchObject({
		themeId: theme.id,
		author: { name: 'Fatma Yılmaz' },
		happened: 'Werkbijeenkomst met de wijkteams van Apeldoorn en Epe gehouden.',
		next: 'Een training over de meldcode in maart.',
		help: 'Een zaal voor veertig mensen.'
	});
	expect(list[0].statuses).toContainEqual({ actionId: action.id, actionTitle: action.title, status: newStatus, previous: action.status });

	// a check-in for a theme she is not ambassador of: a Dutch 403, nothing stored
	const other = await themeByTitle(ambassador, plan.id, OTHER_THEME);
	const forged = await ambassador.request.post(`/plannen/${plan.id}/themas/${other.id}/checkin?/file`, {
		form: { happened: 'Vervalst', next: '', help: '' },
		headers: { Origin: new URL(ambassador.url()).origin, Accept: 'application/json' }
	});
	const body = await forged.json();
	expect(body.status).toBe(403);
	expect(JSON.stringify(body)).toContain('geen ambassadeur');
	const after = (await (await ambassador.request.get(`/api/plans/${plan.id}/checkins`)).json()) as unknown[];
	expect(after).toHaveLength(list.length);

	// the theme page shows its check-ins over time
	await ambassador.setViewportSize({ width: 1440, height: 900 });
	await ambassador.goto(`/plannen/${plan.id}/themas/${theme.id}`);
	await expect(ambassador.locator('.kring-theme-checkins .kring-checkin', { hasText: 'Werkbijeenkomst met de wijkteams' })).toBeVisible();

	// the digest since yesterday lists the check-in and the status change
	await editor.goto(`/plannen/${plan.id}/sinds`);
	await expect(editor.getByRole('heading', { level: 1, name: 'Sinds het vorige overleg' })).toBeVisible();
	await expect(editor.locator('.kring-checkin', { hasText: 'Werkbijeenkomst met de wijkteams' })).toContainText(OWN_THEME);
	await expect(editor.locator('#digest-status')).toContainText('gewijzigde status');
	await expect(editor.locator('.kring-digest__changes', { hasText: action.title })).toBeVisible();
	await expectAccessible(editor);

	// two more rounds by hand: the other theme's ambassadors never answered — stale; hers answered — not
	await editor.goto(`/plannen/${plan.id}/instellingen#checkins`);
	for (let i = 0; i < 2; i++) {
		await settings.getByRole('button', { name: 'Nu om een check-in vragen' }).click();
		await expect(settings.getByRole('status')).toContainText('om een check-in gevraagd');
		await editor.waitForLoadState('networkidle');
	}
	await expect(settings).toContainText(OTHER_THEME);
	await editor.goto(`/plannen/${plan.id}/sinds`);
	const stale = editor.locator('.kring-digest__stale');
	await expect(stale.locator('li', { hasText: OTHER_THEME })).toContainText('Geen update');
	await expect(stale.locator('li', { hasText: OWN_THEME })).toHaveCount(0);
	await editor.setViewportSize({ width: 1440, height: 900 });
	await editor.screenshot({ path: test.info().outputPath('checkin-digest-1440.png'), fullPage: true });
	await noSidewaysScroll(editor);
	await editor.screenshot({ path: test.info().outputPath('checkin-digest-320.png'), fullPage: true });

	// a date that is not one: a Dutch message, the default period
	await editor.goto(`/plannen/${plan.id}/sinds?vanaf=2026-02-31`);
	await expect(editor.getByRole('alert')).toContainText('geen geldige datum');

	await editorContext.close();
	await ambassadorContext.close();
});

test('a reader of the plan reads the check-ins, a stranger gets 404', async ({ page }) => {
	await login(page, 'viewer');
	const plan = await planBySlug(page, NOG_PLAN);
	expect((await page.request.get(`/api/plans/${plan.id}/checkins`)).status()).toBe(200);
	expect((await page.request.get(`/api/plans/onbekend/checkins`)).status()).toBe(404);
	const forged = await page.request.post(`/plannen/${plan.id}/instellingen?/checkinRound`, {
		form: {},
		headers: { Origin: new URL(page.url()).origin, Accept: 'application/json' }
	});
	expect((await forged.json()).status).toBe(403);
});

import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible, expectNoSidewaysScroll, login, planBySlug, type AccountName } from './fixtures.ts';

/**
 * The yearly evaluation, end to end, on the Kennemerland plan. Other tests
 * move Kennemerland's cards and add threads to its first actions, so this
 * one creates its own cycle and drops / renews actions from the end of the
 * plan that are neither "afgerond" nor "in uitvoering" (what the board test
 * picks).
 */
const KENNEMERLAND_PLAN = 'kennemerland-actieprogramma-2021-2024';

interface CycleJson {
	status: string;
	versionId: string | null;
	actions: { id: string; title: string; status: string; tally: Record<string, number>; decision: { verdict: string | null; successorActionId: string | null } | null }[];
}

async function userPage(browser: Browser, account: AccountName): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await login(page, account);
	return page;
}

async function unread(page: Page): Promise<number> {
	return Number(await page.locator('.kring-header__inbox').getAttribute('data-unread'));
}

/** From the preparation list: open the action's own review form, fill it in, save, and go back to the list. */
async function fillReview(page: Page, action: { id: string; title: string }, verdict: string, achieved: string, status?: string): Promise<void> {
	await page.locator(`[data-action-id="${action.id}"]`).getByRole('link', { name: action.title, exact: true }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Evaluatie: ${action.title}`);
	if (status) await page.getByLabel('Status op de evaluatiedatum').selectOption({ label: status });
	await page.getByLabel('Wat is bereikt').fill(achieved);
	await page.getByLabel('Knelpunten').fill('Capaciteit bij de gemeenten');
	await page.getByLabel(verdict, { exact: true }).check();
	await page.getByLabel('Toelichting op het voorstel').fill(`Voorstel: ${verdict.toLowerCase()}`);
	await page.getByRole('button', { name: 'Evaluatie opslaan' }).click();
	await expect(page.getByText('De evaluatie is opgeslagen.')).toBeVisible();
	await expect(page.getByText(/^Ingevuld door /)).toBeVisible();
	await page.getByRole('link', { name: 'Terug naar de lijst' }).click();
	await expect(page.locator(`[data-action-id="${action.id}"]`)).toHaveAttribute('data-state', 'done');
}

test('a region holds its yearly evaluation: prepare, vote live, decide, close, and compare the frozen version', async ({ browser, baseURL }) => {
	// about 30 s on an idle machine; the margin is for a loaded CI runner
	test.setTimeout(90_000);
	const [admin, editor, viewer] = await Promise.all([userPage(browser, 'admin'), userPage(browser, 'editor'), userPage(browser, 'viewer')]);
	const plan = await planBySlug(admin, KENNEMERLAND_PLAN);
	await editor.goto(`/plannen/${plan.id}`);
	const editorUnread = await unread(editor);

	// The admin creates and opens a cycle.
	const title = `Evaluatie e2e ${Date.now().toString(36)}`;
	await admin.goto(`/plannen/${plan.id}/evaluaties`);
	await expectAccessible(admin);
	await admin.getByLabel('Naam', { exact: true }).fill(title);
	await admin.getByRole('button', { name: 'Evaluatie aanmaken' }).click();
	await expect(admin.getByRole('link', { name: title })).toBeVisible();
	await admin.getByRole('button', { name: `Evaluatie openen: ${title}` }).click();
	await expect(admin.getByText('De evaluatie is geopend')).toBeVisible();
	const cycleId = (await admin.getByRole('link', { name: title }).getAttribute('href'))!.split('/').pop()!;

	// Kennemerland's themes have no ambassador: the werkgroep member is asked, and the inbox count rises without a reload.
	await expect.poll(() => unread(editor)).toBe(editorUnread + 1);
	await editor.goto('/inbox');
	const reminder = editor.locator('.kring-inbox__item', { hasText: `opende de evaluatie ‘${title}’` });
	await expect(reminder).toContainText(/Je moet nog (\d+) van je \1 acties evalueren/);
	await expectAccessible(editor);
	await editor.goto('/');
	await expect(editor.getByRole('region', { name: 'Evaluaties om in te vullen' }).getByRole('link', { name: title })).toBeVisible();
	await editor.goto('/inbox');

	const cycle = (await (await admin.request.get(`/api/reviews/${cycleId}`)).json()) as CycleJson;
	expect(cycle.status).toBe('open');
	const spare = cycle.actions.filter((a) => !['done', 'in_progress'].includes(a.status));
	const pool = spare.length >= 3 ? spare : cycle.actions;
	const [kept, renewed, dropped] = pool.slice(-3);

	// Two leads prepare reviews: the admin and the werkgroep member, who follows the reminder to the actions asked of them.
	await admin.goto(`/evaluaties/${cycleId}`);
	await expect(admin.getByRole('heading', { name: 'Acties om te evalueren' })).toBeVisible();
	await fillReview(admin, dropped, 'Verlaten', 'Niet van de grond gekomen');
	await reminder.getByRole('link', { name: 'Naar mijn evaluaties' }).click();
	await expect(editor.getByText('Je ziet alleen de acties waarvan de evaluatie aan jou gevraagd is.')).toBeVisible();
	const [newStatus, newStatusLabel] = renewed.status === 'at_risk' ? ['not_started', 'Niet gestart'] : ['at_risk', 'Vertraagd'];
	await fillReview(editor, renewed, 'Vernieuwen', 'Eerste stappen gezet', newStatusLabel);
	await expectAccessible(editor);
	// the status on the review date becomes the action's status
	const afterReview = (await (await editor.request.get(`/api/reviews/${cycleId}`)).json()) as CycleJson;
	expect(afterReview.actions.find((a) => a.id === renewed.id)!.status).toBe(newStatus);

	// The to-do list shows who still has reviews to fill; the facilitator sends a reminder, which replaces the unread one.
	const joris = admin.getByRole('row', { name: /^Joris van Dam/ });
	await expect(joris.getByRole('cell').first()).toHaveText(String(cycle.actions.length - 2));
	await editor.goto('/inbox');
	await admin.getByRole('button', { name: 'Herinnering sturen' }).click();
	await expect(admin.getByText('Herinnering verstuurd. Ontvangers: 1.')).toBeVisible();
	await expect(editor.locator('.kring-inbox__item', { hasText: `Sanne Bakker herinnert je aan de evaluatie ‘${title}’` })).toContainText(
		`Je moet nog ${cycle.actions.length - 2} van je ${cycle.actions.length} acties evalueren.`
	);
	await expect(editor.locator('.kring-inbox__item', { hasText: `opende de evaluatie ‘${title}’` })).toHaveCount(0);
	expect(await unread(editor)).toBe(editorUnread + 1);

	// The session: the facilitator (admin) shows the dropped action; two participants follow and vote.
	const session = `/evaluaties/${cycleId}/sessie`;
	await Promise.all([admin.goto(session), editor.goto(session), viewer.goto(session)]);
	// The facilitator jumps to the dropped action.
	await admin.getByLabel('Kies een actie').selectOption(dropped.id);
	await admin.getByRole('button', { name: 'Toon', exact: true }).click();
	for (const p of [admin, editor, viewer]) await expect(p.locator('#shown-title')).toHaveText(dropped.title);
	await expectAccessible(admin);

	// The votes travel in the live event itself: the facilitator's screen does not reload the page data for them.
	const reloads: string[] = [];
	admin.on('request', (request) => {
		if (request.url().includes('__data.json')) reloads.push(request.url());
	});
	await editor.getByLabel('Korte mening (optioneel)').fill('Geen draagvlak meer');
	await editor.getByRole('button', { name: 'Verlaten', exact: true }).click();
	await viewer.getByRole('button', { name: 'Vasthouden', exact: true }).click();
	await expectAccessible(viewer);
	// The facilitator's tally updates live, with words and numbers.
	await expect(admin.locator('.kring-tally__row[data-verdict="drop"] .kring-tally__count')).toHaveText('1');
	await expect(admin.locator('.kring-tally__row[data-verdict="keep"] .kring-tally__count')).toHaveText('1');
	await expect(admin.getByText('Geen draagvlak meer')).toBeVisible();
	expect(reloads).toEqual([]);

	await admin.getByLabel('Besloten oordeel').selectOption('drop');
	await admin.getByLabel('Besluit (tekst)').fill('Gestopt wegens gebrek aan draagvlak');
	await admin.getByRole('button', { name: 'Besluit vastleggen' }).click();
	await expect(viewer.getByText('Besloten: Verlaten')).toBeVisible();

	// Presenter mode hides the controls and the site header.
	await admin.getByRole('button', { name: 'Presentatiemodus' }).click();
	await expect(admin.locator('.kring-header')).toBeHidden();
	await expect(admin.getByRole('button', { name: 'Besluit vastleggen' })).toHaveCount(0);
	await expect(admin.locator('.kring-tally__row[data-verdict="drop"] .kring-tally__count')).toHaveText('1');
	await admin.getByRole('button', { name: 'Presentatiemodus verlaten' }).click();

	// Previous (keyboard): the screens that follow move to the renewed action; the viewer switched following off.
	await viewer.getByLabel('Volg de gespreksleider').uncheck();
	await admin.locator('#shown-title').click();
	await admin.keyboard.press('ArrowLeft');
	for (const p of [admin, editor]) await expect(p.locator('#shown-title')).toHaveText(renewed.title);
	await expect(viewer.locator('#shown-title')).toHaveText(dropped.title);
	await admin.getByLabel('Besloten oordeel').selectOption('renew');
	await admin.getByLabel('Besluit (tekst)').fill('Nieuwe opzet met de GGD');
	await admin.getByRole('button', { name: 'Besluit vastleggen' }).click();
	await expect(editor.getByText('Besloten: Vernieuwen')).toBeVisible();

	// Closing: refused while actions lack a decision, accepted with "besluit later".
	// the preview lists what closing will do before anything happens
	await admin.goto(`/evaluaties/${cycleId}`);
	await admin.getByRole('link', { name: 'Bekijk wat afsluiten doet' }).click();
	await expect(admin.locator(`[data-outcome="archive"] [data-action-id="${dropped.id}"]`)).toBeVisible();
	await expect(admin.locator(`[data-outcome="renew"] [data-action-id="${renewed.id}"]`)).toBeVisible();
	await admin.getByRole('button', { name: 'Evaluatie afsluiten' }).click();
	await expect(admin.getByRole('alert')).toContainText('acties zonder besluit');
	await admin.getByLabel('Acties zonder besluit krijgen ‘besluit later’').check();
	await admin.getByRole('button', { name: 'Evaluatie afsluiten' }).click();
	await expect(admin.getByText('De evaluatie is afgesloten')).toBeVisible();

	// Voting in a closed cycle is refused with a Dutch message.
	const refused = await viewer.request.post(`${session}?/vote`, {
		form: { actionId: kept.id, verdict: 'keep', opinion: '' },
		headers: { Origin: baseURL!, Accept: 'application/json' }
	});
	const refusal = await refused.json();
	expect(refusal.status).toBe(400);
	expect(JSON.stringify(refusal.data)).toContain('al afgesloten');

	const closed = (await (await admin.request.get(`/api/reviews/${cycleId}`)).json()) as CycleJson;
	expect(closed.status).toBe('closed');
	const successorId = closed.actions.find((a) => a.id === renewed.id)!.decision!.successorActionId!;
	expect(successorId).toBeTruthy();

	// The report.
	await admin.goto(`/evaluaties/${cycleId}/verslag`);
	await expect(admin.getByRole('table', { name: 'Besluiten per oordeel' }).getByRole('row', { name: /^Verlaten 1$/ })).toBeVisible();
	await expectAccessible(admin);

	// Next year's plan: the dropped action is archived, the renewed one has a linked successor.
	// Its link still opens the card (inboxes and reports keep working), marked archived.
	expect((await admin.goto(`/plannen/${plan.id}/acties/${dropped.id}`))?.status()).toBe(200);
	await expect(admin.getByText('Gearchiveerd').first()).toBeVisible();
	await admin.goto(`/plannen/${plan.id}/acties/${successorId}`);
	await expect(admin.getByRole('heading', { level: 1 })).toBeVisible();
	const live = (await (await admin.request.get(`/api/plans/${plan.id}`)).json()) as { chapters: { themes: { actions: { id: string }[] }[] }[] };
	const liveIds = live.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions.map((a) => a.id)));
	expect(liveIds).toContain(successorId);
	expect(liveIds).not.toContain(dropped.id);
	expect(liveIds).not.toContain(renewed.id);

	// The live plan is edited after closing: the version keeps its frozen text; the comparison shows the edit.
	const edit = 'Bijgewerkt na de evaluatie';
	await editor.goto(`/plannen/${plan.id}/acties/${kept.id}`);
	const field = editor.getByRole('textbox', { name: 'Resultaat' });
	await expect(field).toHaveAttribute('contenteditable', 'true');
	await field.click();
	await editor.keyboard.press('Control+Home');
	await editor.keyboard.type(`${edit} `);
	await expect(editor.locator('.kring-connection', { hasText: 'Alle wijzigingen opgeslagen' }).first()).toBeVisible();

	await viewer.goto(`/versies/${closed.versionId}`);
	const frozen = viewer.locator(`[data-action-id="${kept.id}"]`);
	await expect(frozen.getByRole('heading', { name: kept.title })).toBeVisible();
	await expect(viewer.locator(`[data-action-id="${dropped.id}"]`)).toBeVisible();
	await expect(frozen).not.toContainText(edit);
	// the version carries the session's decisions
	await expect(viewer.locator(`[data-action-id="${dropped.id}"]`)).toContainText('Besluit van de evaluatie: Verlaten — Gestopt wegens gebrek aan draagvlak');
	await expect(viewer.locator(`[data-action-id="${renewed.id}"]`).getByRole('link', { name: 'Naar de nieuwe actie' })).toHaveAttribute(
		'href',
		`/plannen/${plan.id}/acties/${successorId}`
	);
	await expectAccessible(viewer);
	await viewer.setViewportSize({ width: 320, height: 720 });
	await expectNoSidewaysScroll(viewer, 'Versie');
	await viewer.setViewportSize({ width: 1280, height: 900 });
	// printed or saved as PDF: the version's text without the site around it
	await expect(viewer.getByRole('button', { name: 'Afdrukken of bewaren als pdf' })).toBeVisible();
	await viewer.emulateMedia({ media: 'print' });
	await expect(viewer.locator('.kring-header')).toBeHidden();
	await expect(viewer.getByRole('button', { name: 'Afdrukken of bewaren als pdf' })).toBeHidden();
	await expect(frozen.getByRole('heading', { name: kept.title })).toBeVisible();
	await viewer.emulateMedia({ media: 'screen' });

	await viewer.getByRole('link', { name: 'Vergelijk met het huidige plan' }).click();
	const changed = viewer.locator(`[data-action-id="${kept.id}"]`);
	await expect(changed.locator('ins')).toContainText(edit);
	await expect(viewer.locator(`[data-action-id="${dropped.id}"]`)).toContainText('Verwijderd');
	// the renewed action reads as one renewed action, not as one added and one removed
	await expect(viewer.locator(`[data-action-id="${successorId}"]`)).toContainText('Vernieuwd');
	await expect(viewer.locator(`[data-action-id="${renewed.id}"]`)).toHaveCount(0);
	await expectAccessible(viewer);
	await viewer.setViewportSize({ width: 320, height: 720 });
	await expectNoSidewaysScroll(viewer, 'Versie vergelijken');

	// Someone outside the region gets 404 from the JSON API, as from the pages.
	const stranger = await userPage(browser, 'arnhem');
	for (const url of [`/api/reviews/${cycleId}`, `/api/versions/${closed.versionId}`, `/api/plans/${plan.id}/reviews`, `/evaluaties/${cycleId}/sessie`]) {
		expect((await stranger.request.get(url)).status(), url).toBe(404);
	}
	await stranger.context().close();

	const frozenJson = (await (await viewer.request.get(`/api/versions/${closed.versionId}`)).json()) as { label: string; decisions: { actionId: string; verdict: string | null }[] };
	expect(frozenJson.decisions.find((d) => d.actionId === dropped.id)?.verdict).toBe('drop');
	// The admin publishes the adopted version at a public link; anyone with it reads the frozen plan, without signing in.
	const forged = await viewer.request.post(`/versies/${closed.versionId}?/publish`, { form: {}, headers: { Origin: baseURL!, Accept: 'application/json' } });
	expect((await forged.json()).status).toBe(403);
	await admin.goto(`/versies/${closed.versionId}`);
	await admin.getByRole('button', { name: 'Openbaar maken' }).click();
	const link = await admin.getByLabel('Openbare link (alleen lezen)').inputValue();
	expect(link).toMatch(/\/openbaar\/[a-z2-7]{32}$/);
	const visitor = await (await browser.newContext()).newPage();
	await visitor.goto(link);
	await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(frozenJson.label);
	await expect(visitor.locator(`[data-action-id="${kept.id}"]`).getByRole('heading', { name: kept.title })).toBeVisible();
	await expect(visitor.locator(`[data-action-id="${kept.id}"]`)).not.toContainText(edit);
	await expect(visitor.getByText('Besluit van de evaluatie')).toHaveCount(0);
	await expectAccessible(visitor);
	await visitor.setViewportSize({ width: 320, height: 720 });
	await expectNoSidewaysScroll(visitor, 'Openbare versie');
	await admin.getByRole('button', { name: 'Niet meer openbaar maken' }).click();
	await expect(admin.getByText('De openbare link werkt niet meer.')).toBeVisible();
	expect((await visitor.goto(link))?.status()).toBe(404);
	await visitor.context().close();

	const versions = await (await viewer.request.get(`/api/plans/${plan.id}/versions`)).json();
	expect(versions.versions.map((v: { id: string }) => v.id)).toContain(closed.versionId);
	for (const p of [admin, editor, viewer]) await p.context().close();
});

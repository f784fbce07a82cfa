import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { ARNHEM_PLAN, expectAccessible, login, NOG_PLAN, planBySlug, SAMEN_VEILIG_PLAN } from './fixtures.ts';

test('the werkgroep finds the Noord-Oost Gelderland agenda as in the source document', async ({ page }) => {
	await login(page, 'editor');
	await page.getByRole('link', { name: /Samen tegen huiselijk geweld — Uitvoeringsagenda 2024-2028/ }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Samen tegen huiselijk geweld — Uitvoeringsagenda 2024-2028');
	for (const chapter of ['Onze visie', 'Onze uitgangspunten', 'Eerder in beeld en beter in gesprek', 'Samenwerken aan veiligheid']) {
		await expect(page.getByRole('heading', { level: 2, name: chapter })).toBeVisible();
	}
	await expect(page.getByRole('heading', { level: 3, name: 'Sterke lokale teams' })).toBeVisible();
	const theme = page.locator('section.kring-theme', { has: page.getByRole('heading', { name: 'Sterke lokale teams' }) });
	await expect(theme.getByText('Fatma Yılmaz (Voorst)')).toBeVisible();
	await expect(theme.getByRole('heading', { name: 'Regionale acties' })).toBeVisible();
	await expect(theme.getByRole('heading', { name: 'Lokale acties' })).toBeVisible();
	await expectAccessible(page);
});

test('the region page shows plans, gemeenten and who is who', async ({ page }) => {
	await login(page, 'viewer');
	await page.goto('/regios/noord-oost-gelderland');
	await expect(page.getByRole('heading', { name: 'Regio Noord-Oost Gelderland' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Apeldoorn' })).toBeVisible();
	await expect(page.getByRole('cell', { name: /Fatma Yılmaz/ }).first()).toBeVisible();
	await expectAccessible(page);
});

test('a new action appears live on a colleague’s plan page', async ({ page, browser }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, NOG_PLAN);
	const colleague = await browser.newContext();
	const other = await colleague.newPage();
	await login(other, 'viewer');
	await other.goto(`/plannen/${plan.id}`);

	await page.goto(`/plannen/${plan.id}`);
	const theme = page.locator('section.kring-theme', { has: page.getByRole('heading', { name: 'Preventie huiselijk geweld' }) });
	const title = `Voorlichting op scholen ${Date.now()}`;
	await theme.getByText('Nieuwe actie').first().click();
	await theme.getByLabel('Titel van de nieuwe actie').first().fill(title);
	await theme.getByRole('button', { name: 'Toevoegen' }).first().click();
	await expect(page.getByRole('status')).toContainText('De actie is toegevoegd.');

	await expect(other.getByRole('link', { name: title })).toBeVisible({ timeout: 5000 });
	await colleague.close();
});

test('actions can be moved with the keyboard', async ({ page }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	await page.goto(`/plannen/${plan.id}`);
	const column = page.locator('.kring-theme__column').filter({ has: page.locator('li:nth-child(2)') }).first();
	const titles = () => column.locator('.kring-action-line__title').allTextContents();
	const before = await titles();
	expect(before.length).toBeGreaterThan(1);
	const second = column.locator('details.kring-edit').nth(1);
	await second.locator('summary').focus();
	await page.keyboard.press('Enter');
	await second.getByRole('button', { name: 'Omhoog' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('status')).toContainText('De actie is verplaatst.');
	await expect.poll(titles).toEqual([before[1], before[0], ...before.slice(2)]);
});

test('the local-action matrix lets Arnhem set only its own column', async ({ page }) => {
	await login(page, 'arnhem');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	await page.goto(`/plannen/${plan.id}/matrix`);
	await expectAccessible(page);
	const selects = page.getByRole('combobox');
	const count = await selects.count();
	const rows = await page.locator('tbody tr').count();
	expect(count).toBe(rows); // one editable cell per row: Arnhem's
	const first = selects.first();
	const label = await first.getAttribute('aria-label');
	expect(label).toContain('Arnhem');
	await first.selectOption('at_risk');
	await expect(page.getByRole('status')).toContainText('Opgeslagen: Arnhem');
	await page.reload();
	await expect(page.getByRole('combobox').first()).toHaveValue('at_risk');
});

test("a gemeente editor cannot change another gemeente's cell by a form post", async ({ page, baseURL }) => {
	await login(page, 'doetinchem');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	const matrix = await (await page.request.get(`/api/plans/${plan.id}/matrix`)).json();
	const arnhem = matrix.municipalities.find((m: { slug: string }) => m.slug === 'arnhem');
	const row = matrix.rows[0];
	const response = await page.request.post(`/plannen/${plan.id}/matrix?/setStatus`, {
		form: { actionId: row.actionId, municipalityId: arnhem.id, status: 'dropped' },
		headers: { Origin: baseURL!, Accept: 'application/json' }
	});
	const body = await response.json();
	expect(body.status).toBe(403);
	const after = await (await page.request.get(`/api/plans/${plan.id}/matrix`)).json();
	expect(after.rows[0].cells[arnhem.id].status).toBe(row.cells[arnhem.id].status);
});

test("a gemeente editor of Doetinchem cannot add an action to Arnhem's plan by a form post", async ({ page, baseURL }) => {
	await login(page, 'doetinchem');
	const plan = await planBySlug(page, ARNHEM_PLAN);
	const detail = await (await page.request.get(`/api/plans/${plan.id}`)).json();
	const themeId = detail.chapters[0].themes[0].id;
	const response = await page.request.post(`/plannen/${plan.id}?/createAction`, {
		form: { themeId, level: 'local', title: 'Niet toegestaan' },
		headers: { Origin: baseURL!, Accept: 'application/json' }
	});
	expect((await response.json()).status).toBe(403);
	await page.goto(`/plannen/${plan.id}`);
	await expect(page.getByText('Niet toegestaan')).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Toevoegen' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Archiveren' })).toHaveCount(0);
	await expectAccessible(page);
});

test('the JSON API lists plans with chapters, themes and actions', async ({ page }) => {
	await login(page, 'viewer');
	const plan = await planBySlug(page, NOG_PLAN);
	const detail = await (await page.request.get(`/api/plans/${plan.id}`)).json();
	const action = detail.chapters[0].themes[0].actions[0];
	expect(action).toMatchObject({ id: expect.any(String), title: expect.any(String), status: expect.any(String), level: expect.any(String) });
	expect(action.documentName).toBe(`action:${action.id}`);
});

test('the JSON API refuses a visitor without a session', async ({ request }) => {
	const response = await request.get('/api/plans');
	expect(response.status()).toBe(401);
});

test('an admin creates a new plan for the region and lands on it', async ({ page }) => {
	await login(page, 'admin');
	await page.goto('/regios/kennemerland');
	await page.getByText('Nieuw plan').click();
	await page.getByLabel('Titel van het plan').fill('Uitvoeringsagenda 2026-2029');
	await page.getByLabel('Soort plan').selectOption('uitvoeringsagenda');
	await page.getByLabel('Beginjaar').fill('2026');
	await page.getByLabel('Eindjaar').fill('2029');
	await page.getByRole('button', { name: 'Plan maken' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Uitvoeringsagenda 2026-2029');
	await expect(page.getByText('Nieuw onderdeel toevoegen')).toBeVisible();
	await expectAccessible(page);
});

test('a reader cannot create a plan, not even with a forged form post', async ({ page, baseURL }) => {
	await login(page, 'viewer');
	await page.goto('/regios/kennemerland');
	await expect(page.getByText('Nieuw plan')).toHaveCount(0);
	const response = await page.request.post('/regios/kennemerland?/createPlan', {
		form: { title: 'Stiekem plan', kind: 'regiovisie', municipalityId: '', periodStart: '2026', periodEnd: '2027', themeWord: 'thema' },
		headers: { Origin: baseURL!, Accept: 'application/json' }
	});
	expect((await response.json()).status).toBe(403);
});

test('the plan introduction opens as a live document, editable for the werkgroep', async ({ page }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, NOG_PLAN);
	await page.goto(`/plannen/${plan.id}`);
	// the introduction is open, as the document reads
	await expect(page.getByRole('heading', { level: 2, name: 'Inleiding' })).toBeVisible();
	await page.getByRole('link', { name: 'Inleiding bewerken' }).click();
	const field = page.getByRole('textbox', { name: plan.title });
	await expect(field).toHaveAttribute('contenteditable', 'true');
	await expect(field).toContainText('Uitvoeringsagenda');
	await expectAccessible(page);
});

test('a planning start can be picked by quarter, and it stays after a reload', async ({ page }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, NOG_PLAN);
	const detail = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as { chapters: { themes: { actions: { id: string }[] }[] }[] };
	const last = detail.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions)).at(-1)!;
	await page.goto(`/plannen/${plan.id}/acties/${last.id}`);
	// one select per edge: months or quarters, named in Dutch
	await page.getByLabel('Per kwartaal').check();
	const start = page.getByLabel('Start', { exact: true });
	await expect(start).toBeEnabled();
	await start.selectOption({ label: '2e kwartaal 2025' });
	await expect(start).toHaveValue('2025-04');
	await expect(page.locator('.kring-connection', { hasText: 'Alle wijzigingen opgeslagen' }).first()).toBeVisible();
	await page.reload();
	await expect(page.getByLabel('Start', { exact: true })).toHaveValue('2025-04');
	await expect(page.getByLabel('Start', { exact: true }).locator('option:checked')).toHaveText(/^(2e kwartaal 2025|april 2025)$/);
	await page.getByLabel('Per maand').check();
	await expect(page.getByLabel('Start', { exact: true }).locator('option:checked')).toHaveText('april 2025');
	await expectAccessible(page);
});

test('a reader downloads the plan’s actions and indicator values as CSV for Excel', async ({ page }) => {
	await login(page, 'viewer');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	await page.goto(`/plannen/${plan.id}`);
	const [actions] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Acties als CSV (Excel)' }).click()]);
	expect(actions.suggestedFilename()).toMatch(/-acties\.csv$/);
	const csv = await readFile((await actions.path())!, 'utf8');
	expect(csv.startsWith('\uFEFFHoofdstuk;Nummer;Onderdeel;Niveau;Actie;Status')).toBe(true);
	const detail = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as { chapters: { themes: { actions: { title: string }[] }[] }[] };
	const count = detail.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions)).length;
	expect(csv.trimEnd().split('\r\n')).toHaveLength(count + 1);
	const [indicators] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Indicatoren als CSV (Excel)' }).click()]);
	expect(await readFile((await indicators.path())!, 'utf8')).toContain('Aantal meldingen bij Veilig Thuis');
	// someone outside the region gets nothing
	const stranger = await page.context().browser()!.newContext();
	const other = await stranger.newPage();
	await login(other, 'ambassador');
	expect((await other.request.get(`/plannen/${plan.id}/export/acties.csv`)).status()).toBe(404);
	await stranger.close();
});

test('the header search finds a theme across plans and opens it', async ({ page }) => {
	await login(page, 'viewer');
	await page.getByRole('searchbox', { name: 'Zoek in Kring' }).fill('lokale teams sterke');
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Zoeken' })).toBeVisible();
	await expect(page.getByRole('status')).toContainText('Gevonden bij ‘lokale teams sterke’');
	const hit = page.getByRole('link', { name: 'Sterke lokale teams' }).first();
	await expect(hit.locator('mark').first()).toBeVisible();
	await expectAccessible(page);
	await hit.click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Sterke lokale teams');
});

test('the budget overview shows the plan’s funding sources per year and what actions cost against them', async ({ page }) => {
	await login(page, 'viewer');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	await page.goto(`/plannen/${plan.id}`);
	await page.getByRole('link', { name: 'Begroting', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Begroting' })).toBeVisible();
	const table = page.getByRole('table', { name: 'Dekkingsbronnen' });
	const row = table.getByRole('row', { name: /^DU Vrouwenopvang — vrouwenopvang/ });
	await expect(row.getByRole('cell', { name: '€ 3.100.000' }).first()).toBeVisible();
	await expect(table.getByRole('columnheader', { name: '2019' })).toBeVisible();
	await expectAccessible(page);
});

test('the indicators page shows each figure as a number with a bar, per year and place', async ({ page }) => {
	await login(page, 'viewer');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	await page.goto(`/plannen/${plan.id}`);
	await page.getByRole('link', { name: 'Indicatoren', exact: true }).click();
	const indicator = page.getByRole('region', { name: 'Aantal meldingen bij Veilig Thuis' });
	await expect(indicator.getByRole('row', { name: /Regio Arnhem/ })).toContainText('2.170');
	await expect(indicator.getByRole('row', { name: /Achterhoek/ })).toContainText('1.151');
	await expectAccessible(page);
});

test('the werkgroep adds and removes a figure of an indicator; a reader cannot', async ({ page, browser, baseURL }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, NOG_PLAN);
	await page.goto(`/plannen/${plan.id}/indicatoren`);
	const name = 'Aantal meldingen en adviezen bij vermoedens van huiselijk geweld';
	const indicator = page.getByRole('region', { name });
	await indicator.getByText('Cijfer toevoegen of wijzigen').click();
	await indicator.getByLabel('Jaar').fill('2025');
	await indicator.getByLabel(/^Waarde/).fill('1250');
	await indicator.getByRole('button', { name: 'Cijfer opslaan' }).click();
	await expect(indicator.getByText('Het cijfer is opgeslagen.')).toBeVisible();
	await expect(indicator.getByRole('row', { name: /Hele regio/ })).toContainText('1.250');
	await expectAccessible(page);

	const reader = await (await browser.newContext()).newPage();
	await login(reader, 'viewer');
	await reader.goto(`/plannen/${plan.id}/indicatoren`);
	await expect(reader.getByRole('region', { name }).getByRole('row', { name: /Hele regio/ })).toContainText('1.250');
	await expect(reader.getByText('Cijfer toevoegen of wijzigen')).toHaveCount(0);
	const indicatorId = await indicator.locator('input[name="indicatorId"]').first().inputValue();
	const forged = await reader.request.post(`/plannen/${plan.id}/indicatoren?/setValue`, {
		form: { indicatorId, year: '2025', place: '', value: '1' },
		headers: { Origin: baseURL!, Accept: 'application/json' }
	});
	expect((await forged.json()).status).toBe(403);
	await reader.context().close();

	await indicator.getByRole('button', { name: 'Verwijder het cijfer van 2025, Hele regio' }).click();
	await expect(indicator.getByText('Nog geen cijfers.')).toBeVisible();
});

test('the werkgroep sets and removes a funding amount for a year; a reader cannot', async ({ page, browser, baseURL }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	await page.goto(`/plannen/${plan.id}/begroting`);
	const source = page.getByRole('region', { name: /^Acties betaald uit: DU Vrouwenopvang — Centra seksueel geweld/ });
	await source.getByText('Bedragen van deze bron').click();
	await source.getByLabel('Jaar').fill('2020');
	await source.getByLabel('Bedrag in euro\'s').fill('€ 120.000');
	await source.getByRole('button', { name: 'Bedrag opslaan' }).click();
	await expect(page.getByText('Het bedrag is opgeslagen.')).toBeVisible();
	const row = page.getByRole('table', { name: 'Dekkingsbronnen' }).getByRole('row', { name: /^DU Vrouwenopvang — Centra seksueel geweld/ });
	await expect(row).toContainText('120.000');
	await expectAccessible(page);

	const reader = await (await browser.newContext()).newPage();
	await login(reader, 'viewer');
	await reader.goto(`/plannen/${plan.id}/begroting`);
	await expect(reader.getByText('Bedragen van deze bron')).toHaveCount(0);
	const sourceId = await source.locator('input[name="sourceId"]').first().inputValue();
	const forged = await reader.request.post(`/plannen/${plan.id}/begroting?/setAmount`, {
		form: { sourceId, year: '2020', amount: '1' },
		headers: { Origin: baseURL!, Accept: 'application/json' }
	});
	expect((await forged.json()).status).toBe(403);
	await reader.context().close();

	await source.getByRole('button', { name: 'Verwijder het bedrag van 2020' }).click();
	await expect(page.getByText('Het bedrag is verwijderd.')).toBeVisible();
	await expect(row).not.toContainText('120.000');
});

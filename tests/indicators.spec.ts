import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, expectFitsPhone, login, postForm, planBySlug, SAMEN_VEILIG_PLAN } from './fixtures.ts';

/**
 * Indicators on Samen Veilig, as the werkgroep editor: a new indicator with its
 * own name, figures imported from a CSV with a preview, the chart beside the
 * table; archived at the end so other tests see the plan as it was.
 */
// axe on these pages takes long on a loaded 2-core machine
test.describe.configure({ timeout: 180_000 });

const stamp = () => Math.random().toString(36).slice(2, 8);

// A Veilig Thuis export as Dutch Excel saves it: ; separator, decimal comma, a title line, a footer and two bad rows.
const CSV = [
	'"Veilig Thuis Gelderland-Midden: meldingen per gemeente"',
	'Gemeente;Jaar;Aantal meldingen',
	'Arnhem;2021;1.180',
	'Arnhem;2022;1.234',
	'Gemeente Arnhem;2023;1.301,5',
	'Rheden;2022;210',
	'Rheden;2023;225',
	'Utrecht;2023;999',
	'Rheden;twintig;5',
	'"Bron: Veilig Thuis"'
].join('\r\n');

test('an editor creates an indicator, imports figures from a CSV with a preview and sees the chart beside the table; a reader gets no forms and a forged post 403', async ({
	page,
	browser
}) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	await page.goto(`/plannen/${plan.id}/indicatoren`);

	const name = `Meldingen per gemeente ${stamp()}`;
	const create = page.getByRole('region', { name: 'Nieuwe indicator' });
	// a 500-character name is refused in Dutch
	await create.getByLabel('Naam').fill('x'.repeat(500));
	await create.getByRole('button', { name: 'Indicator toevoegen' }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'Een naam heeft hoogstens 200 tekens.' })).toBeVisible();

	await create.getByLabel('Naam').fill(name);
	await create.getByLabel('Eenheid').fill('aantal meldingen');
	await create.getByLabel('Bron van de cijfers').fill('Veilig Thuis Gelderland-Midden');
	await create.getByLabel('Omschrijving').fill('Meldingen bij Veilig Thuis, per gemeente van de regio.');
	await create.getByRole('checkbox', { name: 'Arnhem', exact: true }).check();
	await create.getByRole('checkbox', { name: 'Rheden', exact: true }).check();
	await create.getByRole('button', { name: 'Indicator toevoegen' }).click();
	const indicator = page.getByRole('region', { name, exact: true });
	await expect(indicator.getByRole('status').filter({ hasText: 'De indicator is toegevoegd.' })).toBeVisible();
	await expect(indicator.getByText('Plaatsen: Arnhem, Rheden')).toBeVisible();
	await expect(indicator.getByText('Nog geen cijfers.')).toBeVisible();

	// the same name again is refused
	await create.getByLabel('Naam').fill(name.toLowerCase());
	await create.getByRole('button', { name: 'Indicator toevoegen' }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'Dit plan heeft al een indicator met deze naam.' })).toBeVisible();

	// import: preview first, nothing saved yet
	await indicator.getByText('Cijfers uit een CSV-bestand').click();
	await indicator.getByLabel('CSV-bestand').setInputFiles({ name: 'veilig-thuis.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${CSV}`, 'utf8') });
	await indicator.getByRole('button', { name: 'Voorbeeld bekijken' }).click();
	const preview = indicator.getByRole('table', { name: /^Voorbeeld van de import/ });
	await expect(preview).toBeVisible();
	await expect(indicator.getByText('Goed: 5 · Met een fout: 2')).toBeVisible();
	await expect(preview.getByRole('row', { name: /Utrecht/ })).toContainText('Onbekende plaats ‘Utrecht’');
	await expect(preview.getByRole('row', { name: /Rheden twintig/ })).toContainText('‘twintig’ is geen jaar tussen 1990 en 2100.');
	await expect(preview.getByRole('row', { name: /^5 Arnhem/ })).toContainText('1.301,5');
	await expect(indicator.getByText('Nog geen cijfers.')).toBeVisible();
	await expect(indicator.getByLabel('Kolom met de plaats')).toHaveValue('0');
	await expectAccessible(page);

	await indicator.getByRole('button', { name: 'Goede regels opslaan' }).click();
	await expect(indicator.getByRole('status').filter({ hasText: '5 cijfers opgeslagen.' })).toBeVisible();

	// the table and, beside it, the chart with its text alternative
	const figures = indicator.getByRole('table', { name: `Cijfers voor ${name}` });
	await expect(figures.getByRole('row', { name: /2023 Arnhem/ })).toContainText('1.301,5');
	await expect(figures.getByRole('row', { name: /2022 Rheden/ })).toContainText('210');
	const chart = indicator.getByRole('img', { name: new RegExp(`^Lijndiagram: ${name} per jaar`) });
	await expect(chart).toBeVisible();
	await expect(chart).toHaveAccessibleDescription(/Arnhem: van 1\.180 in 2021 naar 1\.301,5 in 2023; Rheden: van 210 in 2022 naar 225 in 2023/);
	const [chartBox, tableBox] = [await chart.boundingBox(), await figures.boundingBox()];
	expect(chartBox!.x + chartBox!.width).toBeLessThanOrEqual(tableBox!.x + 1);
	expect(Math.abs(chartBox!.y - tableBox!.y)).toBeLessThan(200);
	await expectAccessible(page);
	await indicator.scrollIntoViewIfNeeded();
	await page.setViewportSize({ width: 1440, height: 900 });
	await indicator.screenshot({ path: test.info().outputPath('indicatoren-1440.png') });
	await page.setViewportSize({ width: 320, height: 800 });
	await indicator.screenshot({ path: test.info().outputPath('indicatoren-320.png') });
	await expectFitsPhone(page, 'Indicatoren');

	// rename
	await indicator.getByText('Indicator wijzigen').click();
	const renamed = `${name} (hernoemd)`;
	await indicator.getByLabel('Naam').fill(renamed);
	await indicator.getByRole('button', { name: 'Indicator opslaan' }).click();
	const renamedRegion = page.getByRole('region', { name: renamed, exact: true });
	await expect(renamedRegion.getByRole('status').filter({ hasText: 'De indicator is opgeslagen.' })).toBeVisible();
	const indicatorId = await renamedRegion.locator('input[name="indicatorId"]').first().inputValue();

	// a reader: the chart and the table, no forms; forged posts are refused
	const reader = await (await browser.newContext()).newPage();
	await login(reader, 'viewer');
	await reader.goto(`/plannen/${plan.id}/indicatoren`);
	const seen = reader.getByRole('region', { name: renamed, exact: true });
	await expect(seen.getByRole('img', { name: /^Lijndiagram/ })).toBeVisible();
	await expect(seen.getByRole('table', { name: `Cijfers voor ${renamed}` })).toBeVisible();
	await expect(reader.locator('main form')).toHaveCount(0);
	await expect(reader.getByRole('region', { name: 'Nieuwe indicator' })).toHaveCount(0);
	await expectAccessible(reader);
	for (const [action, data] of [
		['createIndicator', { name: `Gekaapt ${stamp()}`, unit: 'aantal' }],
		['updateIndicator', { indicatorId, name: 'Gekaapt', unit: 'aantal' }],
		['archiveIndicator', { indicatorId }],
		['saveImport', { indicatorId, csv: 'Gemeente;Jaar;Aantal\nArnhem;2024;1\n' }]
	] as const) {
		const forged = await postForm(reader, `/plannen/${plan.id}/indicatoren?/${action}`, data);
		expect((await forged.json()).status, action).toBe(403);
	}
	await reader.reload();
	await expect(reader.getByRole('region', { name: renamed, exact: true }).getByRole('table', { name: `Cijfers voor ${renamed}` }).getByRole('row')).toHaveCount(6);
	await reader.context().close();

	// archive, and restore from the list of archived indicators, then archive again to leave the plan as it was
	await page.setViewportSize({ width: 1280, height: 900 });
	// the edit form is still open after the rename
	await renamedRegion.getByRole('button', { name: `Archiveer de indicator ${renamed}` }).click();
	await expect(page.getByRole('status').filter({ hasText: 'De indicator is gearchiveerd.' })).toBeVisible();
	await expect(page.getByRole('region', { name: renamed, exact: true })).toHaveCount(0);
	await page.getByRole('button', { name: `Zet de indicator ${renamed} terug` }).click();
	await expect(page.getByRole('region', { name: renamed, exact: true }).getByRole('status').filter({ hasText: 'De indicator is teruggezet.' })).toBeVisible();
	expect((await (await postForm(page, `/plannen/${plan.id}/indicatoren?/archiveIndicator`, { indicatorId })).json()).type).toBe('success');
});

import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, expectFitsPhone, login, postForm, planBySlug, SAMEN_VEILIG_PLAN } from './fixtures.ts';

/**
 * Funding sources on the budget page of Samen Veilig, as the werkgroep editor;
 * every source it creates has its own name and is archived at the end.
 */
// axe on these pages takes long on a loaded 2-core machine
test.describe.configure({ timeout: 180_000 });

const stamp = () => Math.random().toString(36).slice(2, 8);

test('an editor creates a funding source with a part, sees the roll-ups, and a reader gets no forms and a forged post 403', async ({ page, browser }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	await page.goto(`/plannen/${plan.id}/begroting`);
	// the regional total is the DU figure of 2019, without Rheden's own € 12.500
	await expect(page.getByRole('definition').first()).toHaveText('€ 5.200.000');
	await expect(page.getByText('Lokaal begroot door gemeenten')).toBeVisible();

	const parentName = `DU Vrouwenopvang test ${stamp()}`;
	const partName = `DU — Achterhoek ${stamp()}`;
	const create = page.getByRole('region', { name: 'Nieuwe dekkingsbron' });
	await create.getByLabel('Naam').fill(parentName);
	await create.getByRole('button', { name: 'Bron toevoegen' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'De bron is toegevoegd.' })).toBeVisible();

	// a duplicate name gets a Dutch message
	await create.getByLabel('Naam').fill(parentName.toUpperCase());
	await create.getByRole('button', { name: 'Bron toevoegen' }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'Dit plan heeft al een bron met deze naam.' })).toBeVisible();

	await create.getByLabel('Naam').fill(partName);
	await create.getByLabel('Onderdeel van').selectOption({ label: `${parentName} (Regionaal)` });
	await create.getByRole('button', { name: 'Bron toevoegen' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'De bron is toegevoegd.' })).toBeVisible();

	// an amount for the part: the parent shows it as the sum of its parts
	const part = page.getByRole('region', { name: `Acties betaald uit: ${partName}` });
	await part.getByText('Bedragen van deze bron').click();
	await part.getByLabel('Jaar').fill('2021');
	await part.getByLabel("Bedrag in euro's").fill('€ 80.000');
	await part.getByRole('button', { name: 'Bedrag opslaan' }).click();
	await expect(page.getByText('Het bedrag is opgeslagen.')).toBeVisible();
	const table = page.getByRole('table', { name: 'Dekkingsbronnen' });
	await expect(table.getByRole('row', { name: new RegExp(`^${partName} onderdeel van ${parentName}`) })).toContainText('€ 80.000');
	await expect(table.getByRole('row', { name: new RegExp(`^${parentName}`) })).toContainText('som van de onderdelen');
	await expect(page.getByRole('table', { name: 'Per jaar' }).getByRole('row', { name: /^2021/ })).toContainText('€ 80.000');
	await expect(page.getByRole('table', { name: /^Kosten per / })).toBeVisible();

	// the parent cannot become a part of its own part: the form does not offer it, a post is refused
	const parentId = await page
		.getByRole('region', { name: `Acties betaald uit: ${parentName}` })
		.locator('input[name="sourceId"]')
		.first()
		.inputValue();
	const partId = await part.locator('input[name="sourceId"]').first().inputValue();
	const cycle = await postForm(page, `/plannen/${plan.id}/begroting?/updateSource`, { sourceId: parentId, name: parentName, scope: 'regional', parentId: partId });
	expect((await cycle.json()).status).toBe(400);
	const tooLong = await postForm(page, `/plannen/${plan.id}/begroting?/createSource`, { name: 'x'.repeat(500), scope: 'regional' });
	expect(await tooLong.json()).toMatchObject({ status: 400 });
	await expectAccessible(page);
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.screenshot({ path: test.info().outputPath('begroting-1440.png'), fullPage: true });
	await page.setViewportSize({ width: 320, height: 800 });
	await page.screenshot({ path: test.info().outputPath('begroting-320.png'), fullPage: true });
	await expectFitsPhone(page, 'Begroting');

	// a reader sees the sources, no forms, and a forged post changes nothing
	const reader = await (await browser.newContext()).newPage();
	await login(reader, 'viewer');
	await reader.goto(`/plannen/${plan.id}/begroting`);
	await expect(reader.getByRole('table', { name: 'Dekkingsbronnen' }).getByRole('row', { name: new RegExp(`^${partName}`) })).toBeVisible();
	await expect(reader.getByRole('region', { name: 'Nieuwe dekkingsbron' })).toHaveCount(0);
	await expect(reader.getByText('Bron wijzigen')).toHaveCount(0);
	await expect(reader.locator('main form')).toHaveCount(0);
	await expectAccessible(reader);
	const forged = await postForm(reader, `/plannen/${plan.id}/begroting?/createSource`, { name: `Gekaapt ${stamp()}`, scope: 'regional' });
	expect((await forged.json()).status).toBe(403);
	const forgedRename = await postForm(reader, `/plannen/${plan.id}/begroting?/updateSource`, { sourceId: partId, name: 'Gekaapt', scope: 'regional' });
	expect((await forgedRename.json()).status).toBe(403);
	await reader.context().close();

	// archive: the parent only after its part, then both appear under Gearchiveerde bronnen and one is restored
	await page.reload();
	const parentSection = page.getByRole('region', { name: `Acties betaald uit: ${parentName}` });
	await parentSection.getByText('Bron wijzigen').click();
	await parentSection.getByRole('button', { name: `Archiveer de bron ${parentName}` }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'Archiveer eerst de onderdelen.' })).toBeVisible();
	await part.getByText('Bron wijzigen').click();
	await part.getByRole('button', { name: `Archiveer de bron ${partName}` }).click();
	await expect(page.getByRole('status').filter({ hasText: 'De bron is gearchiveerd.' })).toBeVisible();
	await expect(table.getByRole('row', { name: new RegExp(`^${partName}`) })).toHaveCount(0);
	await page.getByRole('button', { name: `Zet de bron ${partName} terug` }).click();
	await expect(page.getByRole('status').filter({ hasText: 'De bron is teruggezet.' })).toBeVisible();
	await expect(table.getByRole('row', { name: new RegExp(`^${partName}`) })).toBeVisible();
	// leave the plan's budget as it was
	for (const sourceId of [partId, parentId]) {
		expect((await (await postForm(page, `/plannen/${plan.id}/begroting?/archiveSource`, { sourceId })).json()).type).toBe('success');
	}
});

test('an archived funding source is no longer offered on an action card', async ({ page }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	const name = `Tijdelijke bron ${stamp()}`;
	await page.goto(`/plannen/${plan.id}/begroting`);
	const create = page.getByRole('region', { name: 'Nieuwe dekkingsbron' });
	await create.getByLabel('Naam').fill(name);
	await create.getByRole('button', { name: 'Bron toevoegen' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'De bron is toegevoegd.' })).toBeVisible();
	const sourceId = await page.getByRole('region', { name: `Acties betaald uit: ${name}` }).locator('input[name="sourceId"]').first().inputValue();

	const detail = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as { chapters: { themes: { actions: { id: string }[] }[] }[] };
	const action = detail.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions)).at(-1)!;
	await page.goto(`/plannen/${plan.id}/acties/${action.id}`);
	const picker = page.getByLabel('Dekking', { exact: true });
	await expect(picker.locator('option', { hasText: name })).toHaveCount(1);

	expect((await (await postForm(page, `/plannen/${plan.id}/begroting?/archiveSource`, { sourceId })).json()).type).toBe('success');
	await page.reload();
	await expect(picker).toBeEditable();
	await expect(picker.locator('option', { hasText: name })).toHaveCount(0);
});

import { expect, test as base, type Page } from '@playwright/test';
import { expectAccessible, login, NOG_PLAN, planBySlug } from './fixtures.ts';

/**
 * The action card's structured fields. Every test here fails on an uncaught
 * error in the page: a handler that throws (as "Voortgang" once did with
 * `.trim is not a function`) loses what was typed while the card looks fine.
 */
const test = base.extend<{ pageErrors: string[] }>({
	pageErrors: [
		async ({ page }, use) => {
			const errors: string[] = [];
			page.on('pageerror', (error) => errors.push(error.message));
			await use(errors);
			expect(errors, 'uncaught errors in the page').toEqual([]);
		},
		{ auto: true }
	]
});

const SAVED = 'Alle wijzigingen opgeslagen';
const UNSAVED = 'Niet opgeslagen: zie de melding bij het veld';

/** The card of the n-th action of the Noord-Oost-Gelderland agenda (each test its own), opened by the werkgroep. */
async function openCard(page: Page, n: number): Promise<void> {
	await login(page, 'editor');
	const plan = await planBySlug(page, NOG_PLAN);
	const detail = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as { chapters: { themes: { actions: { id: string }[] }[] }[] };
	const action = detail.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions))[n];
	await page.goto(`/plannen/${plan.id}/acties/${action.id}`);
	await expect(page.getByLabel('Voortgang in procenten')).toBeEditable();
}

const badge = (page: Page) => page.locator('.kring-connection');

test('a progress value typed on the card is saved and still there after a reload', async ({ page }) => {
	await openCard(page, 1);
	const progress = page.getByLabel('Voortgang in procenten');
	const before = Number(await progress.inputValue());
	const value = String(before === 40 ? 45 : 40);
	await progress.fill(value);
	await progress.press('Tab');
	await expect(badge(page)).toHaveText(SAVED);
	await page.reload();
	await expect(page.getByLabel('Voortgang in procenten')).toBeEditable();
	await expect(page.getByLabel('Voortgang in procenten')).toHaveValue(value);
});

test('progress 150 gets a message beside the field, is not stored, and the card does not say saved', async ({ page }) => {
	await openCard(page, 2);
	const progress = page.getByLabel('Voortgang in procenten');
	const before = await progress.inputValue();
	await progress.fill('150');
	await progress.press('Tab');
	await expect(progress).toHaveAttribute('aria-invalid', 'true');
	await expect(progress).toHaveAccessibleDescription(/150 kan niet: vul een getal van 0 tot en met 100 in\./);
	await expect(badge(page)).toHaveText(UNSAVED);
	await expectAccessible(page);

	await page.reload();
	await expect(page.getByLabel('Voortgang in procenten')).toBeEditable();
	await expect(page.getByLabel('Voortgang in procenten')).toHaveValue(before);

	// put right, the message goes and the card is saved
	await progress.fill('12,5');
	await progress.press('Tab');
	await expect(progress).toHaveAccessibleDescription(/Vul een heel getal in, zonder komma\./);
	await progress.fill('60 %');
	await progress.press('Tab');
	await expect(progress).toHaveValue('60');
	await expect(progress).not.toHaveAttribute('aria-invalid');
	await expect(page.getByText('Vul een heel getal in')).toHaveCount(0);
	await expect(badge(page)).toHaveText(SAVED);
});

test('costs of 12,5 are refused with a message about whole euros; € 12.500 is stored as 12.500', async ({ page }) => {
	await openCard(page, 3);
	const cost = page.getByLabel("Kosten in euro's");
	await cost.fill('12,5');
	await cost.press('Tab');
	await expect(cost).toHaveAttribute('aria-invalid', 'true');
	await expect(cost).toHaveAccessibleDescription(/Vul een bedrag in hele euro's in, zonder centen, bijvoorbeeld 12\./);
	await expect(cost).toHaveValue('12,5'); // not rounded to 13 behind the person's back
	await expect(badge(page)).toHaveText(UNSAVED);
	await expectAccessible(page);

	await cost.fill('€ 12.500');
	await cost.press('Tab');
	await expect(cost).toHaveValue('12.500');
	await expect(cost).not.toHaveAttribute('aria-invalid');
	await expect(badge(page)).toHaveText(SAVED);
	await page.reload();
	await expect(page.getByLabel("Kosten in euro's")).toBeEditable();
	await expect(page.getByLabel("Kosten in euro's")).toHaveValue('12.500');
});

test('lead, funding, planning end and partners are each one field that saves, and an empty title is refused', async ({ page }) => {
	await openCard(page, 4);
	const lead = page.getByLabel('Trekker');
	await lead.fill('GGD Noord- en Oost-Gelderland');
	await page.getByLabel('Dekking', { exact: true }).selectOption({ index: 1 });
	const funding = await page.getByLabel('Dekking', { exact: true }).inputValue();
	await page.getByLabel('Doorlopend (geen einddatum)').check();
	await expect(page.getByLabel('Eind', { exact: true })).toHaveCount(0);
	const partner = `Veilig Thuis ${Date.now()}`;
	await page.getByLabel('Partner toevoegen').fill(partner);
	await page.getByLabel('Partner toevoegen').press('Enter');
	const partners = page.getByRole('list', { name: 'Partners' });
	await expect(partners.getByText(partner)).toBeVisible();

	const titleField = page.getByLabel('Actie', { exact: true });
	const title = await titleField.inputValue();
	await titleField.fill('');
	await expect(titleField).toHaveAccessibleDescription('Vul een titel in.');
	await expect(badge(page)).toHaveText(UNSAVED);
	await titleField.fill(title);
	await expect(badge(page)).toHaveText(SAVED);
	await expectAccessible(page);

	await page.reload();
	await expect(page.getByLabel('Trekker')).toBeEditable();
	await expect(page.getByLabel('Trekker')).toHaveValue('GGD Noord- en Oost-Gelderland');
	await expect(page.getByLabel('Dekking', { exact: true })).toHaveValue(funding);
	await expect(page.getByLabel('Doorlopend (geen einddatum)')).toBeChecked();
	await expect(page.getByLabel('Actie', { exact: true })).toHaveValue(title);
	// removing a partner by keyboard keeps focus in the list
	const remove = page.getByRole('button', { name: `Verwijder ${partner}` });
	await remove.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('list', { name: 'Partners' }).getByText(partner)).toHaveCount(0);
	await expect(page.locator(':focus')).toHaveAccessibleName(/^(Verwijder .+|Partner toevoegen)$/);
	await page.getByLabel('Doorlopend (geen einddatum)').uncheck();
	await expect(page.getByLabel('Eind', { exact: true })).toHaveValue('');
	await expect(badge(page)).toHaveText(SAVED);
});

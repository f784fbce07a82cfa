import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, login, planBySlug, SAMEN_VEILIG_PLAN } from './fixtures.ts';

/**
 * Focus stays where the work is (issue 15): after posting or cancelling a
 * comment and after moving an action, the keyboard user is on the control
 * they used or on what they made — never back at the top of the page.
 */

const KENNEMERLAND_PLAN = 'kennemerland-actieprogramma-2021-2024';

async function openCard(page: Page, n: number): Promise<void> {
	const plan = await planBySlug(page, KENNEMERLAND_PLAN);
	const outline = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as { chapters: { themes: { actions: { id: string }[] }[] }[] };
	const action = outline.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions))[n];
	await page.goto(`/plannen/${plan.id}/acties/${action.id}`);
	await expect(page.getByRole('button', { name: 'Nieuwe discussie' })).toBeVisible();
}

const focused = (page: Page) => page.locator(':focus');

test('cancelling a new thread returns to its button; posting one moves focus to the new thread', async ({ page }) => {
	await login(page, 'editor');
	await openCard(page, 5);
	const start = page.getByRole('button', { name: 'Nieuwe discussie' });
	await start.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByLabel('Je reactie')).toBeFocused();
	await page.keyboard.type('Wordt niet geplaatst');
	await page.keyboard.press('Escape');
	await expect(page.getByRole('button', { name: 'Nieuwe discussie' })).toBeFocused();

	await page.keyboard.press('Enter');
	await expect(page.getByLabel('Je reactie')).toBeFocused();
	const text = `Focusproef ${Date.now()}`;
	// the composer's formatting: Ctrl+B wraps what is typed next in bold
	await page.keyboard.type(`${text} `);
	await page.keyboard.press('Control+B');
	await page.keyboard.type('nu');
	await page.keyboard.press('Control+Enter');
	const thread = page.locator('.kring-thread', { hasText: text });
	await expect(thread).toBeFocused();
	await expect(thread.locator('.kring-comment__body strong')).toHaveText('nu');
	await expectAccessible(page);
});

test('someone who clicks into the text while their new thread is still being posted keeps typing there', async ({ page }) => {
	await login(page, 'editor');
	await openCard(page, 9);
	// a slow server: the answer to the post comes 1.5 s later
	await page.route('**/api/plans/*/threads', async (route) => {
		await new Promise((done) => setTimeout(done, 1500));
		await route.continue();
	});
	await page.getByRole('button', { name: 'Nieuwe discussie' }).click();
	const text = `Trage post ${Date.now()}`;
	await page.getByLabel('Je reactie').fill(text);
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	const field = page.locator('.kring-rte__content').first();
	await field.focus();
	await page.keyboard.press('Control+End');
	await page.keyboard.type(' voor');
	await expect(page.locator('.kring-thread', { hasText: text })).toBeVisible();
	await page.keyboard.type(' en na');
	await expect(field).toBeFocused();
	await expect(field).toContainText('voor en na');
});

test('cancelling a reply returns to Antwoorden; posting it moves focus to the thread', async ({ page }) => {
	await login(page, 'editor');
	await openCard(page, 6);
	const text = `Antwoordproef ${Date.now()}`;
	await page.getByRole('button', { name: 'Nieuwe discussie' }).click();
	await page.getByLabel('Je reactie').fill(text);
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	const thread = page.locator('.kring-thread', { hasText: text });
	await expect(thread).toBeFocused();

	const reply = thread.getByRole('button', { name: /^Antwoorden/ });
	await reply.focus();
	await page.keyboard.press('Enter');
	await expect(focused(page)).toHaveAttribute('id', /^antwoord-/);
	await page.keyboard.type('toch niet');
	await page.keyboard.press('Escape');
	await expect(thread.getByRole('button', { name: /^Antwoorden/ })).toBeFocused();

	await page.keyboard.press('Enter');
	await page.keyboard.type('Een antwoord');
	await page.keyboard.press('Control+Enter');
	await expect(thread).toBeFocused();
	await expect(thread.getByText('Een antwoord')).toBeVisible();
});

test('the comment composer has the editor’s formatting buttons, one Tab stop, arrows inside', async ({ page }) => {
	await login(page, 'editor');
	await openCard(page, 7);
	await page.getByRole('button', { name: 'Nieuwe discussie' }).click();
	const box = page.getByLabel('Je reactie');
	await box.fill('belangrijk');
	await box.press('Control+A');
	const toolbar = page.getByRole('toolbar', { name: 'Opmaak van je tekst' });
	await toolbar.getByRole('button', { name: 'Vet' }).click();
	await expect(box).toHaveValue('**belangrijk**');
	await expect(box).toBeFocused();
	await box.press('End');
	await box.press('Shift+Tab');
	await expect(toolbar.getByRole('button', { name: 'Vet' })).toBeFocused();
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await expect(toolbar.getByRole('button', { name: 'Link' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(box).toBeFocused();
	await expect(box).toHaveValue('**belangrijk**[tekst van de link](https://)');
	await page.keyboard.type('nl.wikipedia.org/wiki/Meldcode_(Nederland)');
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	const link = page.locator('.kring-thread').first().getByRole('link', { name: 'tekst van de link' });
	await expect(link).toHaveAttribute('href', 'https://nl.wikipedia.org/wiki/Meldcode_(Nederland)');
});

test('moving an action up keeps focus on the same button of the moved action', async ({ page }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, SAMEN_VEILIG_PLAN);
	await page.goto(`/plannen/${plan.id}`);
	const column = page.locator('.kring-theme__column').filter({ has: page.locator('li:nth-child(3)') }).first();
	const titles = () => column.locator('.kring-action-line__title').allTextContents();
	const before = await titles();
	const third = column.locator('details.kring-edit').nth(2);
	await third.locator('summary').focus();
	await page.keyboard.press('Enter');
	const up = third.getByRole('button', { name: 'Omhoog' });
	const id = await up.getAttribute('id');
	await up.focus();
	await page.keyboard.press('Enter');
	await expect.poll(titles).toEqual([before[0], before[2], before[1], ...before.slice(3)]);
	await expect(focused(page)).toHaveAttribute('id', id!);
	// and once more, from where focus is
	await page.keyboard.press('Enter');
	await expect.poll(titles).toEqual([before[2], before[0], before[1], ...before.slice(3)]);
	await expect(focused(page)).toHaveAttribute('id', id!);
});

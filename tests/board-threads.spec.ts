import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, expectNoSidewaysScroll, login, planBySlug } from './fixtures.ts';

/**
 * A board card's discussions in a side panel (issue 15), on Kennemerland's plan, counted back from
 * its last card: the thread tests use its first, and no demo account is an ambassador there, so
 * no one's inbox changes.
 */
const KENNEMERLAND_PLAN = 'kennemerland-actieprogramma-2021-2024';

interface Card {
	planId: string;
	id: string;
	title: string;
}

/** The n-th card on the board, counting back from the last theme's last. */
async function lastThemeCard(page: Page, n = 0): Promise<Card> {
	const plan = await planBySlug(page, KENNEMERLAND_PLAN);
	const board = (await (await page.request.get(`/api/plans/${plan.id}/board`)).json()) as {
		themes: { actions: Record<string, { id: string; title: string }[]> }[];
	};
	const cards = board.themes.flatMap((t) =>
		Object.entries(t.actions)
			.filter(([status]) => status !== 'dropped')
			.flatMap(([, list]) => list)
	);
	const card = cards[cards.length - 1 - n];
	return { planId: plan.id, id: card.id, title: card.title };
}

const button = (page: Page, card: Card) => page.locator(`#kaart-${card.id}-reacties`);
const panel = (page: Page) => page.getByRole('dialog', { name: /^Reacties op/ });
const countText = (n: number) => (n === 0 ? 'Reageren' : n === 1 ? '1 reactie' : `${n} reacties`);

async function openCount(page: Page, card: Card): Promise<number> {
	return Number(await button(page, card).getAttribute('data-open-threads'));
}

/** Starts a thread on the card through the JSON API, as the page's user. */
async function startThread(page: Page, card: Card, body: string): Promise<string> {
	const response = await page.request.post(`/api/plans/${card.planId}/threads`, {
		data: { target: { kind: 'action', id: card.id }, body },
		headers: { origin: new URL(page.url()).origin }
	});
	expect(response.status()).toBe(201);
	return ((await response.json()) as { thread: { id: string } }).thread.id;
}

async function resolveThread(page: Page, threadId: string): Promise<void> {
	const response = await page.request.post(`/api/threads/${threadId}`, {
		data: { op: 'status', status: 'resolved' },
		headers: { origin: new URL(page.url()).origin }
	});
	expect(response.ok()).toBe(true);
}

test.use({ viewport: { width: 1440, height: 1000 } });

test('a card opens its discussions by keyboard, and focus moves to the panel heading', async ({ page }) => {
	await login(page, 'editor');
	const card = await lastThemeCard(page);
	await page.goto(`/plannen/${card.planId}/bord`);
	await button(page, card).focus();
	await page.keyboard.press('Enter');
	await expect(panel(page)).toBeVisible();
	await expect(panel(page).getByRole('heading', { level: 2, name: `Reacties op ${card.title}` })).toBeFocused();
	await expect(page).toHaveURL(new RegExp(`[?&]reacties=${card.id}`));
	await expect(button(page, card)).toHaveAttribute('aria-expanded', 'true');
	await expect(panel(page).getByRole('button', { name: 'Nieuwe discussie' })).toBeVisible();
});

test('a comment posted in the panel shows there and in the card count, and the board stays usable beside it', async ({ page }) => {
	await login(page, 'editor');
	const card = await lastThemeCard(page, 1);
	await page.goto(`/plannen/${card.planId}/bord`);
	const before = await openCount(page, card);
	await expect(button(page, card)).toContainText(countText(before));
	await button(page, card).click();
	const body = `Bespreken we dit in het werkgroepoverleg? ${Date.now()}`;
	await panel(page).getByRole('button', { name: 'Nieuwe discussie' }).click();
	await panel(page).getByLabel('Je reactie').fill(body);
	await panel(page).getByRole('button', { name: 'Plaatsen' }).click();
	await expect(panel(page).getByText(body)).toBeVisible();
	await expect(button(page, card)).toHaveAttribute('data-open-threads', String(before + 1));
	await expect(button(page, card)).toContainText(countText(before + 1));

	// the board beside the panel: not covered, and its controls still work
	const boardBox = (await page.locator('.kring-board').boundingBox())!;
	const panelBox = (await panel(page).boundingBox())!;
	expect(boardBox.x + boardBox.width).toBeLessThanOrEqual(panelBox.x);
	await page.getByRole('button', { name: /^Verplaats naar…/ }).first().click();
	await expect(page.getByRole('menu')).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(panel(page)).toBeVisible();

	// for the next run: the thread resolved again
	const threadId = await page.locator('.kring-bthreads [id^="discussie-"]').first().getAttribute('id');
	await resolveThread(page, threadId!.replace('discussie-', ''));
	await expect(button(page, card)).toHaveAttribute('data-open-threads', String(before));
});

test('Escape closes the panel and focus returns to the card’s button', async ({ page }) => {
	await login(page, 'editor');
	const card = await lastThemeCard(page);
	await page.goto(`/plannen/${card.planId}/bord`);
	await button(page, card).click();
	await expect(panel(page).getByRole('heading', { level: 2, name: `Reacties op ${card.title}` })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(panel(page)).toHaveCount(0);
	await expect(button(page, card)).toBeFocused();
	await expect(button(page, card)).toHaveAttribute('aria-expanded', 'false');
	await expect(page).not.toHaveURL(/reacties=/);
});

test('Back closes a panel opened from a card, and focus returns to the card’s button', async ({ page }) => {
	await login(page, 'editor');
	const card = await lastThemeCard(page);
	await page.goto(`/plannen/${card.planId}/bord`);
	await button(page, card).click();
	await expect(page).toHaveURL(/reacties=/);
	await page.goBack();
	await expect(panel(page)).toHaveCount(0);
	await expect(page).toHaveURL(new RegExp(`/plannen/${card.planId}/bord$`));
	await expect(button(page, card)).toBeFocused();
});

test('a reload with ?reacties= opens the panel again, and its close button closes it', async ({ page }) => {
	await login(page, 'editor');
	const card = await lastThemeCard(page);
	await page.goto(`/plannen/${card.planId}/bord?reacties=${card.id}`);
	await expect(panel(page)).toBeVisible();
	await page.reload();
	await expect(panel(page).getByRole('heading', { level: 2, name: `Reacties op ${card.title}` })).toBeFocused();
	await panel(page).getByRole('button', { name: /^Sluiten/ }).click();
	await expect(panel(page)).toHaveCount(0);
	await expect(button(page, card)).toBeFocused();
	await expect(page).toHaveURL(new RegExp(`/plannen/${card.planId}/bord$`));
});

test('at 320 px the panel covers the screen and nothing scrolls sideways', async ({ page }) => {
	await login(page, 'editor');
	await page.setViewportSize({ width: 320, height: 800 });
	const card = await lastThemeCard(page);
	await page.goto(`/plannen/${card.planId}/bord`);
	await button(page, card).click();
	await expect(panel(page)).toBeVisible();
	const box = (await panel(page).boundingBox())!;
	expect(box.x).toBe(0);
	expect(box.width).toBe(320);
	// a sheet: the board behind it waits (modal)
	expect(await panel(page).evaluate((el) => el.matches(':modal'))).toBe(true);
	await panel(page).getByRole('button', { name: 'Nieuwe discussie' }).click();
	await expect(panel(page).getByLabel('Je reactie')).toBeVisible();
	await expectNoSidewaysScroll(page, 'Bord met reacties');
	const overflow = await panel(page).evaluate((el) => el.scrollWidth - el.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
});

test('the board with a card’s panel open passes axe', async ({ page }) => {
	await login(page, 'editor');
	const card = await lastThemeCard(page);
	await page.goto(`/plannen/${card.planId}/bord?reacties=${card.id}`);
	await expect(panel(page).getByRole('button', { name: 'Nieuwe discussie' })).toBeVisible();
	await expectAccessible(page);
});

test('a reader reads and answers in the panel but cannot close someone else’s discussion; a new one by others appears live', async ({ page, browser }) => {
	await login(page, 'viewer');
	const card = await lastThemeCard(page, 2);
	await page.goto(`/plannen/${card.planId}/bord?reacties=${card.id}`);
	await expect(panel(page).getByRole('button', { name: 'Nieuwe discussie' })).toBeVisible();

	// a werkgroep member starts a discussion elsewhere: it reaches the reader's open panel without a reload
	const context = await browser.newContext();
	const editor = await context.newPage();
	await login(editor, 'editor');
	const body = `Wie neemt dit op zich? ${Date.now()}`;
	const threadId = await startThread(editor, card, body);
	const thread = panel(page).locator(`#discussie-${threadId}`);
	await expect(thread.getByText(body)).toBeVisible();
	await expect(thread.getByRole('button', { name: /^Afronden/ })).toHaveCount(0);

	// the reader may answer (readers take part in discussions; only editors and the author resolve)
	await thread.getByRole('button', { name: /^Antwoorden/ }).click();
	await panel(page).getByLabel('Antwoord').fill('Ik vraag het na bij Veilig Thuis.');
	await panel(page).getByRole('button', { name: 'Antwoorden', exact: true }).click();
	await expect(thread.getByText('Ik vraag het na bij Veilig Thuis.')).toBeVisible();
	const refused = await page.request.post(`/api/threads/${threadId}`, {
		data: { op: 'status', status: 'resolved' },
		headers: { origin: new URL(page.url()).origin }
	});
	expect(refused.status()).toBe(403);

	await resolveThread(editor, threadId);
	await context.close();
});

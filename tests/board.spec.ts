import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectAccessible, login, planBySlug } from './fixtures.ts';

// Kennemerland's actieprogramma: no other browser test changes it.
const KENNEMERLAND_PLAN = 'kennemerland-actieprogramma-2021-2024';

interface ApiCard {
	id: string;
	title: string;
	status: string;
}
interface ApiBoard {
	themes: { id: string; title: string; actions: Record<string, ApiCard[]> }[];
}

async function boardJson(page: Page, planId: string): Promise<ApiBoard> {
	const response = await page.request.get(`/api/plans/${planId}/board`);
	expect(response.ok()).toBe(true);
	return response.json();
}

function statusOf(board: ApiBoard, id: string): string | undefined {
	for (const theme of board.themes) for (const cards of Object.values(theme.actions)) for (const c of cards) if (c.id === id) return c.status;
	return undefined;
}

/** The list of one status column in one swimlane. */
function column(page: Page, laneTitle: string, status: RegExp): Locator {
	const escaped = laneTitle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return page.getByRole('region', { name: new RegExp(`^(\\d+\\. )?${escaped}$`) }).getByRole('list', { name: status });
}

function card(list: Locator, title: string): Locator {
	return list.locator(':scope > li').filter({ has: list.page().getByRole('link', { name: title, exact: true }) });
}

test('two people move cards on the same board, by mouse and by keyboard, and both see both moves live', async ({ browser }) => {
	const editorContext = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
	const adminContext = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
	const editor = await editorContext.newPage();
	const admin = await adminContext.newPage();
	await Promise.all([login(editor, 'editor'), login(admin, 'admin')]);
	const plan = await planBySlug(editor, KENNEMERLAND_PLAN);
	const before = await boardJson(editor, plan.id);
	// A card in "afgerond" to drag, and another in "in uitvoering" to move by keyboard.
	const dragLane = before.themes.find((t) => t.actions.done.length > 0)!;
	const dragged = dragLane.actions.done[0];
	const keyLane = before.themes.find((t) => t.actions.in_progress.some((c) => c.id !== dragged.id))!;
	const keyed = keyLane.actions.in_progress.find((c) => c.id !== dragged.id)!;

	await Promise.all([editor.goto(`/plannen/${plan.id}/bord`), admin.goto(`/plannen/${plan.id}/bord`)]);
	for (const p of [editor, admin]) await expect(card(column(p, dragLane.title, /^Afgerond/), dragged.title)).toBeVisible();

	// The werkgroep member drags "dragged" from Afgerond to Vertraagd with the mouse.
	const source = card(column(editor, dragLane.title, /^Afgerond/), dragged.title);
	const target = column(editor, dragLane.title, /^Vertraagd/);
	await source.scrollIntoViewIfNeeded();
	const from = (await source.locator('.kring-bcard__facts').boundingBox())!;
	await editor.mouse.move(from.x + 10, from.y + 5);
	await editor.mouse.down();
	const to = (await target.boundingBox())!;
	await editor.mouse.move(from.x + 30, from.y + 20, { steps: 5 });
	await editor.mouse.move(to.x + to.width / 2, to.y + 20, { steps: 15 });
	// the library looks where the pointer is every 100–200 ms; rest there, as a hand does
	await editor.waitForTimeout(250);
	await editor.mouse.move(to.x + to.width / 2, to.y + 24, { steps: 3 });
	await editor.waitForTimeout(250);
	await editor.mouse.up();

	// The admin moves "keyed" to Afgerond through the "Verplaats naar…" menu, keyboard only.
	const keyedCard = card(column(admin, keyLane.title, /^In uitvoering/), keyed.title);
	const menuButton = keyedCard.getByRole('button', { name: /^Verplaats naar…/ });
	await menuButton.focus();
	await admin.keyboard.press('Enter');
	const menu = admin.getByRole('menu');
	await expect(menu).toBeVisible();
	await expect(menu.getByRole('menuitem').first()).toBeFocused();
	await admin.keyboard.press('ArrowDown');
	await admin.keyboard.press('ArrowDown');
	await expect(menu.getByRole('menuitem', { name: 'Afgerond' })).toBeFocused();
	await admin.keyboard.press('Enter');
	// Focus stays with the card that moved.
	await expect(card(column(admin, keyLane.title, /^Afgerond/), keyed.title).getByRole('button', { name: /^Verplaats naar…/ })).toBeFocused();

	// Both boards show both moves, without a reload.
	for (const p of [editor, admin]) {
		await expect(card(column(p, dragLane.title, /^Vertraagd/), dragged.title)).toBeVisible();
		await expect(card(column(p, dragLane.title, /^Afgerond/), dragged.title)).toHaveCount(0);
		await expect(card(column(p, keyLane.title, /^Afgerond/), keyed.title)).toBeVisible();
		await expect(card(column(p, keyLane.title, /^In uitvoering/), keyed.title)).toHaveCount(0);
	}
	// And the server agrees: the action documents' status, projected.
	const after = await boardJson(editor, plan.id);
	expect(statusOf(after, dragged.id)).toBe('at_risk');
	expect(statusOf(after, keyed.id)).toBe('done');
	await expectAccessible(admin);

	// Put both back, by menu, for the next run on the same database.
	const undo = async (title: string, lane: string, from: RegExp, to: string) => {
		const c = card(column(editor, lane, from), title);
		await c.getByRole('button', { name: /^Verplaats naar…/ }).click();
		await editor.getByRole('menuitem', { name: to }).click();
	};
	await undo(dragged.title, dragLane.title, /^Vertraagd/, 'Afgerond');
	await undo(keyed.title, keyLane.title, /^Afgerond/, 'In uitvoering');
	await expect(card(column(admin, keyLane.title, /^In uitvoering/), keyed.title)).toBeVisible();
	// A screen reader on the admin's board hears the other person's move.
	await expect(admin.locator('[aria-live="polite"]')).toHaveText(`Bijgewerkt door een ander: “${keyed.title}” staat nu in In uitvoering.`);
	await editorContext.close();
	await adminContext.close();
});

test('a reader sees the board read-only, and a forged move is refused', async ({ page, baseURL }) => {
	await login(page, 'viewer');
	const plan = await planBySlug(page, KENNEMERLAND_PLAN);
	const before = await boardJson(page, plan.id);
	const lane = before.themes.find((t) => t.actions.done.length > 0)!;
	const action = lane.actions.done[0];
	await page.goto(`/plannen/${plan.id}/bord`);
	await expect(page.getByText('Je kunt dit bord alleen lezen')).toBeVisible();
	await expect(card(column(page, lane.title, /^Afgerond/), action.title)).toBeVisible();
	await expect(page.getByRole('button', { name: /^Verplaats naar…/ })).toHaveCount(0);

	const response = await page.request.post(`/plannen/${plan.id}/bord?/move`, {
		form: { actionId: action.id, status: 'dropped' },
		headers: { Origin: baseURL!, Accept: 'application/json' }
	});
	expect((await response.json()).status).toBe(403);
	expect(statusOf(await boardJson(page, plan.id), action.id)).toBe('done');
	await expectAccessible(page);
});

test('a filter link reproduces the same view, and the timeline shows the plan over time', async ({ page }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, KENNEMERLAND_PLAN);
	await page.goto(`/plannen/${plan.id}/bord`);
	await page.getByLabel('Niveau').selectOption('regionaal');
	await expect(page).toHaveURL(/niveau=regionaal/);
	await page.getByLabel('Jaar in planning').selectOption('2021');
	await expect(page).toHaveURL(/niveau=regionaal&jaar=2021|jaar=2021.*niveau=regionaal/);
	await expect(page.locator('.kring-bcard__level--local')).toHaveCount(0);
	const shown = await page.getByText(/^Acties getoond: \d+/).textContent();
	const titles = await page.locator('.kring-bcard__title').allTextContents();
	expect(titles.length).toBeGreaterThan(0);
	const link = page.url();

	// Someone else opens the shared link: the same filters, the same cards.
	const other = await page.context().browser()!.newContext();
	const reader = await other.newPage();
	await login(reader, 'viewer');
	await reader.goto(link);
	await expect(reader.getByLabel('Niveau')).toHaveValue('regionaal');
	await expect(reader.getByLabel('Jaar in planning')).toHaveValue('2021');
	await expect(reader.getByText(/^Acties getoond: \d+/)).toHaveText(shown!);
	expect(await reader.locator('.kring-bcard__title').allTextContents()).toEqual(titles);
	await other.close();

	// The timeline keeps the filter and draws every shown action with its planning in words.
	await page.getByRole('link', { name: 'Tijdlijn' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Tijdlijn' })).toBeVisible();
	await expect(page).toHaveURL(/tijdlijn\?.*niveau=regionaal/);
	await expect(page.locator('.kring-tl-row')).toHaveCount(titles.length);
	await page.getByRole('link', { name: 'Maanden' }).click();
	await expect(page).toHaveURL(/schaal=maanden/);
	await expectAccessible(page);

	// A theme's own board: one swimlane, its roll-up, its ambassadors.
	await page.goto(`/plannen/${plan.id}/bord`);
	const firstLane = page.locator('.kring-lane__title a').first();
	const laneTitle = (await firstLane.textContent())!.replace(/^\d+\.\s*/, '').trim();
	await firstLane.click();
	await expect(page).toHaveURL(/thema=/);
	await expect(page.getByRole('heading', { level: 1 })).toContainText(laneTitle);
	await expect(page.locator('section.kring-lane')).toHaveCount(1);
	await expectAccessible(page);
});

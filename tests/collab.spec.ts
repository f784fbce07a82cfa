import { expect, test, type Browser, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { ARNHEM_PLAN, expectAccessible, login, planBySlug, type AccountName } from './fixtures.ts';

interface ApiAction {
	id: string;
	title: string;
	status: string;
	level: string;
	documentName: string;
}

async function userPage(browser: Browser, account: AccountName): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, account);
	return page;
}

/** The n-th action of Arnhem's plan (each test takes its own, so tests do not meet). */
async function arnhemAction(page: Page, n: number): Promise<{ planId: string; action: ApiAction }> {
	const plan = await planBySlug(page, ARNHEM_PLAN);
	const detail = await (await page.request.get(`/api/plans/${plan.id}`)).json();
	const actions: ApiAction[] = detail.chapters.flatMap((c: { themes: { actions: ApiAction[] }[] }) => c.themes.flatMap((t) => t.actions));
	return { planId: plan.id, action: actions[n] };
}

test('two editors type in the same field at once and see each other’s text and caret', async ({ browser }) => {
	const a = await userPage(browser, 'arnhem');
	const b = await userPage(browser, 'admin');
	const { planId, action } = await arnhemAction(a, 0);
	const url = `/plannen/${planId}/acties/${action.id}`;
	await a.goto(url);
	await b.goto(url);
	const fieldA = a.getByRole('textbox', { name: 'Omschrijving actie' });
	const fieldB = b.getByRole('textbox', { name: 'Omschrijving actie' });
	await expect(fieldA).toHaveAttribute('contenteditable', 'true');
	await expect(fieldB).toHaveAttribute('contenteditable', 'true');
	await fieldA.click();
	await a.keyboard.press('Control+End');
	await fieldB.click();
	await b.keyboard.press('Control+Home');

	await Promise.all([a.keyboard.type(' [tekst van Ruben]', { delay: 20 }), b.keyboard.type('[tekst van Sanne] ', { delay: 20 })]);

	// The other's caret is drawn inside the text with their name; read the text without it.
	const text = (page: Page) =>
		page.getByRole('textbox', { name: 'Omschrijving actie' }).evaluate((el) => {
			const copy = el.cloneNode(true) as HTMLElement;
			copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
			return copy.textContent ?? '';
		});
	await expect.poll(() => text(b), { timeout: 1000 }).toContain('[tekst van Ruben]');
	await expect.poll(() => text(a), { timeout: 1000 }).toContain('[tekst van Sanne]');
	await expect(a.locator('.collaboration-carets__label', { hasText: 'Sanne Bakker' })).toBeVisible({ timeout: 1000 });
	await expect(b.locator('.collaboration-carets__label', { hasText: 'Ruben Mulder' })).toBeVisible({ timeout: 1000 });
	await expect(a.locator('.kring-connection', { hasText: 'Alle wijzigingen opgeslagen' })).toBeVisible();
	await expectAccessible(a);
	await a.context().close();
	await b.context().close();
});

test('a status change on a card appears on a colleague’s plan page without reload', async ({ browser }) => {
	const editor = await userPage(browser, 'arnhem');
	const reader = await userPage(browser, 'viewer');
	const { planId, action } = await arnhemAction(editor, 1);
	await reader.goto(`/plannen/${planId}`);
	const line = reader.locator('.kring-action-line', { has: reader.getByRole('link', { name: action.title, exact: true }) });
	await expect(line).toBeVisible();
	const next = action.status === 'at_risk' ? 'done' : 'at_risk';
	const label = next === 'at_risk' ? 'Vertraagd' : 'Afgerond';

	await editor.goto(`/plannen/${planId}/acties/${action.id}`);
	await editor.getByLabel('Status').selectOption(next);
	await expect(line.getByText(label)).toBeVisible({ timeout: 5000 });
	await editor.context().close();
	await reader.context().close();
});

test('edits made without a connection survive a reload and merge on reconnect', async ({ browser }) => {
	const a = await userPage(browser, 'arnhem');
	const b = await userPage(browser, 'admin');
	const { planId, action } = await arnhemAction(a, 2);
	const url = `/plannen/${planId}/acties/${action.id}`;
	await a.goto(url);
	const field = a.getByRole('textbox', { name: 'Beoogd resultaat' });
	await expect(field).toHaveAttribute('contenteditable', 'true');
	await expect(a.locator('.kring-connection', { hasText: 'Alle wijzigingen opgeslagen' })).toBeVisible();

	// Cut the collaboration socket (the pages themselves still load): Kring is offline.
	let offline = true;
	await a.routeWebSocket(/\/collab\//, (ws) => {
		if (offline) ws.close();
		else ws.connectToServer();
	});
	await a.reload();
	await expect(a.locator('.kring-connection', { hasText: 'Offline — je wijzigingen worden bewaard' })).toBeVisible({ timeout: 10_000 });
	await field.click();
	await a.keyboard.press('Control+End');
	const marker = ` [offline ${Date.now()}]`;
	await a.keyboard.type(marker);
	await a.waitForTimeout(500); // y-indexeddb writes asynchronously
	await a.reload();
	await expect(field).toContainText(marker.trim(), { timeout: 10_000 });

	await b.goto(url);
	const other = b.getByRole('textbox', { name: 'Beoogd resultaat' });
	await expect(other).toHaveAttribute('contenteditable', 'true');
	await expect(other).not.toContainText(marker.trim());

	offline = false; // the client's next reconnect attempt reaches the server
	await expect(other).toContainText(marker.trim(), { timeout: 15_000 });
	await expect(a.locator('.kring-connection', { hasText: 'Alle wijzigingen opgeslagen' })).toBeVisible({ timeout: 15_000 });
	await a.context().close();
	await b.context().close();
});

test('a gemeente editor of Doetinchem sees Arnhem’s card read-only', async ({ browser }) => {
	const page = await userPage(browser, 'doetinchem');
	const { planId, action } = await arnhemAction(page, 3);
	await page.goto(`/plannen/${planId}/acties/${action.id}`);
	await expect(page.getByText('Je kunt deze actie lezen, niet bewerken.')).toBeVisible();
	const field = page.getByRole('textbox', { name: 'Omschrijving actie' });
	await expect(field).toHaveAttribute('aria-readonly', 'true');
	// a reader gets the reading view: no status control
	await expect(page.getByRole('combobox', { name: 'Status' })).toHaveCount(0);
	await expectAccessible(page);
	// the text takes a caret (to select a passage by keyboard), but no key changes it
	await expect(field).toHaveAttribute('contenteditable', 'true');
	const before = await field.innerText();
	await field.click();
	await page.keyboard.type('XYZ');
	for (const key of ['Enter', 'Backspace', 'Delete', 'Control+x', 'Control+b']) await page.keyboard.press(key);
	await page.keyboard.press('Shift+ArrowLeft');
	await page.keyboard.press('Backspace');
	await expect(field).toHaveText(before);
	await page.context().close();
});

test('a gemeente editor of Doetinchem cannot change Arnhem’s card over the socket', async ({ browser, baseURL }) => {
	const page = await userPage(browser, 'doetinchem');
	const { planId, action } = await arnhemAction(page, 4);
	const token = (await page.context().cookies()).find((c) => c.name === 'session')!.value;
	const origin = new URL(baseURL!).origin;
	class AuthedSocket extends WebSocket {
		constructor(address: string, protocols?: string | string[]) {
			super(address, protocols, { headers: { Cookie: `session=${token}`, Origin: origin } });
		}
	}
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(`${origin.replace('http', 'ws')}/collab`, action.documentName, doc, {
		WebSocketPolyfill: AuthedSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
	expect(doc.getMap('meta').get('title')).toBe(action.title);
	doc.getMap('meta').set('title', 'Overgenomen door Doetinchem');
	doc.getMap('meta').set('status', 'dropped');
	await page.waitForTimeout(1500);
	provider.destroy();
	doc.destroy();

	const detail = await (await page.request.get(`/api/plans/${planId}`)).json();
	const after = detail.chapters.flatMap((c: { themes: { actions: ApiAction[] }[] }) => c.themes.flatMap((t) => t.actions)).find((a: ApiAction) => a.id === action.id);
	expect(after.title).toBe(action.title);
	expect(after.status).toBe(action.status);
	await page.goto(`/plannen/${planId}/acties/${action.id}`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(action.title);
	await page.context().close();
});

test('the theme page shows its text, ambassadors and actions', async ({ page }) => {
	await login(page, 'ambassador');
	await page.goto('/');
	await page.getByRole('link', { name: 'Sterke lokale teams' }).first().click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Sterke lokale teams');
	await expect(page.getByText('Fatma Yılmaz').first()).toBeVisible();
	await expect(page.getByRole('textbox', { name: 'Zo doen we dat' })).toHaveAttribute('contenteditable', 'true');
	await expectAccessible(page);
});

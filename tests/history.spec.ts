import { expect, test, type Browser, type Page } from '@playwright/test';
import { ARNHEM_PLAN, expectAccessible, login, planBySlug, type AccountName } from './fixtures.ts';

/**
 * History per card: an editor edits a field in two sessions, opens the
 * history, sees both, restores the first, and a colleague's open card shows
 * the restored text live. Needs a short session gap: playwright.config.ts
 * starts the server with HISTORY_SESSION_GAP_MS (2 s unless set).
 */

const GAP_MS = Number(process.env.HISTORY_SESSION_GAP_MS ?? 2000);

interface ApiAction {
	id: string;
	title: string;
	documentName: string;
}

async function userPage(browser: Browser, account: AccountName): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, account);
	return page;
}

/** An action of Arnhem's plan no other browser test edits. */
async function historyAction(page: Page): Promise<{ planId: string; action: ApiAction }> {
	const plan = await planBySlug(page, ARNHEM_PLAN);
	const detail = await (await page.request.get(`/api/plans/${plan.id}`)).json();
	const actions: ApiAction[] = detail.chapters.flatMap((c: { themes: { actions: ApiAction[] }[] }) => c.themes.flatMap((t) => t.actions));
	return { planId: plan.id, action: actions[7] ?? actions.at(-1)! };
}

/** A rich-text field's text without other people's carets. */
function fieldText(page: Page, label: string): Promise<string> {
	return page.getByRole('textbox', { name: label }).evaluate((el) => {
		const copy = el.cloneNode(true) as HTMLElement;
		copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
		return copy.textContent ?? '';
	});
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, 'sideways scroll at 320 px').toBeLessThanOrEqual(0);
}

test('an editor restores the first of two editing sessions and a colleague’s open card shows it live', async ({ browser }) => {
	test.setTimeout(90_000);
	const editor = await userPage(browser, 'arnhem');
	const colleague = await userPage(browser, 'admin');
	const { planId, action } = await historyAction(editor);
	const cardUrl = `/plannen/${planId}/acties/${action.id}`;
	const field = 'Omschrijving actie';

	await editor.goto(cardUrl);
	const box = editor.getByRole('textbox', { name: field });
	await expect(box).toHaveAttribute('contenteditable', 'true');
	const saved = editor.locator('.kring-connection', { hasText: 'Alle wijzigingen opgeslagen' });

	// session 1
	await box.click();
	await editor.keyboard.press('Control+End');
	await editor.keyboard.type(' [eerste sessie]', { delay: 10 });
	await expect(saved).toBeVisible();
	// a pause longer than the session gap, then session 2
	await editor.waitForTimeout(GAP_MS + 1000);
	await box.click();
	await editor.keyboard.press('Control+End');
	await editor.keyboard.type(' [tweede sessie]', { delay: 10 });
	await expect(saved).toBeVisible();

	// the colleague has the card open
	await colleague.goto(cardUrl);
	await expect(colleague.getByRole('textbox', { name: field })).toHaveAttribute('contenteditable', 'true');
	await expect.poll(() => fieldText(colleague, field)).toContain('[tweede sessie]');

	// the history lists both sessions, newest first
	await editor.getByRole('link', { name: 'Geschiedenis', exact: true }).click();
	await expect(editor).toHaveURL(/\/geschiedenis$/);
	await expect(editor.getByRole('heading', { level: 1 })).toContainText('Geschiedenis van');
	const entries = editor.locator('.kring-history__entry');
	await expect(entries).toHaveCount(2);
	await expect(entries.nth(0)).toContainText('Ruben Mulder');
	await expect(entries.nth(1)).toContainText('Ruben Mulder');
	await expectAccessible(editor);

	// the API says the same
	const api = await (await editor.request.get(`/api/documents/${action.documentName}/history`)).json();
	expect(api.entries).toHaveLength(2);
	expect(api.entries[0].author.name).toBe('Ruben Mulder');
	expect(Date.parse(api.entries[0].from)).toBeGreaterThan(Date.parse(api.entries[1].to));

	// open the first session: its text, with the second session's words marked as added later
	await entries.nth(1).getByRole('link').click();
	await expect(editor).toHaveURL(/versie=\d+/);
	const version = editor.locator('.kring-history__field', { has: editor.getByRole('heading', { name: field, exact: true }) });
	await expect(version).toContainText('[eerste sessie]');
	await expect(version.locator('ins')).toContainText('[tweede sessie]');
	await expectAccessible(editor);

	await editor.getByRole('button', { name: 'Herstel deze versie' }).click();
	await expect(editor.getByText('De versie is hersteld.')).toBeVisible();

	// live on the colleague's open card, without a reload
	await expect.poll(() => fieldText(colleague, field), { timeout: 7000 }).not.toContain('[tweede sessie]');
	expect(await fieldText(colleague, field)).toContain('[eerste sessie]');

	// the restore is itself in the history; the state before it is still there
	await editor.goto(`/plannen/${planId}/acties/${action.id}/geschiedenis`);
	await expect(entries).toHaveCount(3);

	// narrow screen: no sideways scroll
	await editor.setViewportSize({ width: 320, height: 800 });
	await editor.reload();
	await expectNoSidewaysScroll(editor);
	await entries.nth(1).getByRole('link').click();
	await expect(editor).toHaveURL(/versie=\d+/);
	await expectNoSidewaysScroll(editor);
	await expectAccessible(editor);

	await editor.context().close();
	await colleague.context().close();
});

test('a reader sees the history but cannot restore, also not by a forged post', async ({ browser }) => {
	const reader = await userPage(browser, 'viewer');
	const { planId, action } = await historyAction(reader);
	const url = `/plannen/${planId}/acties/${action.id}/geschiedenis`;
	await reader.goto(url);
	await expect(reader.getByText('Alleen wie dit mag bewerken, kan een versie herstellen.')).toBeVisible();
	await expect(reader.getByRole('button', { name: 'Herstel deze versie' })).toHaveCount(0);
	const api = await (await reader.request.get(`/api/documents/${action.documentName}/history`)).json();
	expect(api.canRestore).toBe(false);
	const versionId: string = api.entries.at(-1)?.versionId ?? '1';
	const answer = await reader.evaluate(async (id) => {
		const body = new FormData();
		body.set('versionId', id);
		body.set('field', '');
		const res = await fetch('?/restore', { method: 'POST', body, headers: { accept: 'application/json' } });
		return res.json();
	}, versionId);
	expect(answer.status).toBe(403);
	expect(JSON.stringify(answer)).toContain('Je mag dit niet bewerken');

	// not a document, or one of nobody's plan: 404
	expect((await reader.request.get('/api/documents/garbage/history')).status()).toBe(404);
	expect((await reader.request.get('/api/documents/action:doesnotexist0000/history')).status()).toBe(404);

	// the theme and introduction history pages open too
	const plan = await (await reader.request.get(`/api/plans/${planId}`)).json();
	const themeId: string = plan.chapters.flatMap((c: { themes: { id: string }[] }) => c.themes)[0].id;
	await reader.goto(`/plannen/${planId}/themas/${themeId}/geschiedenis`);
	await expect(reader.getByRole('heading', { level: 1 })).toContainText('Geschiedenis van');
	await expectAccessible(reader);
	await reader.goto(`/plannen/${planId}/inleiding/geschiedenis`);
	await expect(reader.getByRole('heading', { level: 1 })).toContainText('Geschiedenis van');
	await expectAccessible(reader);
	await reader.setViewportSize({ width: 320, height: 800 });
	await reader.reload();
	await expectNoSidewaysScroll(reader);
	await reader.context().close();
});

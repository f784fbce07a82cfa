import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { expectAccessible, login, planBySlug, type AccountName } from './fixtures.ts';

/** Threads use the Kennemerland plan only, so they never meet other tests' edits. */
const KENNEMERLAND_PLAN = 'kennemerland-actieprogramma-2021-2024';

interface ActionRef {
	planId: string;
	id: string;
	title: string;
}

/** The n-th action of the plan's first theme, through the JSON API. */
async function kennemerlandAction(page: Page, n: number): Promise<ActionRef> {
	const plan = await planBySlug(page, KENNEMERLAND_PLAN);
	const outline = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as {
		chapters: { themes: { actions: { id: string; title: string }[] }[] }[];
	};
	const actions = outline.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions));
	return { planId: plan.id, id: actions[n].id, title: actions[n].title };
}

async function openAs(browser: Browser, account: AccountName, url: string): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, account);
	await page.goto(url);
	return page;
}

/** The first rich-text field of the card that has text in it. */
function firstField(page: Page): Locator {
	return page.locator('.kring-rte').filter({ has: page.locator('.kring-rte__content p') }).first();
}

/**
 * Selects `length` characters from `offset` in the field's first paragraph,
 * with the keyboard. Chromium sometimes spends a key press on the edge of a
 * highlight's <span>, so the selection is extended until it holds `expected`.
 */
async function selectPassage(page: Page, field: Locator, offset: number, length: number, expected?: string): Promise<void> {
	await toTextStart(page, field);
	for (let i = 0; i < offset; i++) await page.keyboard.press('ArrowRight');
	for (let i = 0; i < length; i++) await page.keyboard.press('Shift+ArrowRight');
	if (expected !== undefined) {
		const selected = () => page.evaluate(() => window.getSelection()?.toString() ?? '');
		for (let i = 0; i < 3 && (await selected()).length < expected.length; i++) await page.keyboard.press('Shift+ArrowRight');
		expect(await selected()).toBe(expected);
	}
	// ProseMirror takes the selection over from the DOM on 'selectionchange', a task of its own:
	// let it run before the next key acts on the selection (a loaded machine showed a stale one)
	await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)))));
}

/**
 * Puts the caret at the start of the field's text. Focus, not a click: a click
 * lands wherever the middle of the field is, and on a highlighted passage it
 * opens that passage's thread instead (a CI run typed into the margin).
 */
async function toTextStart(page: Page, field: Locator): Promise<void> {
	await field.locator('.kring-rte__content').focus();
	await page.keyboard.press('Control+Home');
}

/** The highlighted text; a highlight can be split in several spans (e.g. around someone's caret). */
function highlighted(anchors: Locator): Promise<string> {
	return anchors.allInnerTexts().then((parts) => parts.join(''));
}

async function unread(page: Page): Promise<number> {
	return Number(await page.locator('.kring-header__inbox').getAttribute('data-unread'));
}

test('two people discuss a passage live: anchor, reply with a mention, inbox, resolve', async ({ page, browser }) => {
	await login(page, 'editor');
	const action = await kennemerlandAction(page, 0);
	const url = `/plannen/${action.planId}/acties/${action.id}`;
	await page.goto(url);
	const other = await openAs(browser, 'viewer', url);
	const inboxBefore = await unread(page);

	// A (Joris, editor) selects a passage and starts a thread on it
	const field = firstField(page);
	await expect(field.locator('.kring-rte__content')).toBeVisible();
	const paragraph = (await field.locator('.kring-rte__content p').first().innerText()).replace(/\n/g, '');
	await selectPassage(page, field, 5, 12, paragraph.slice(5, 17));
	await field.getByRole('button', { name: /Reageer op selectie/ }).click();
	await expect(page.locator('.kring-threads__quote')).toHaveText(paragraph.slice(5, 17));
	await page.getByLabel('Je reactie').fill('Kunnen we dit **scherper** formuleren?');
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	await expect(page.locator('.kring-threads__announce')).toHaveText('Je reactie is geplaatst.');
	await expect(field.locator('.kring-anchor')).toHaveText(paragraph.slice(5, 17));

	// B (Els, viewer) sees the highlight and the thread without reloading
	const otherField = firstField(other);
	await expect(otherField.locator('.kring-anchor')).toHaveText(paragraph.slice(5, 17));
	const thread = other.locator('.kring-thread', { hasText: 'Kunnen we dit' });
	await expect(thread.locator('strong', { hasText: 'scherper' })).toBeVisible();
	await expectAccessible(other);

	// B replies and mentions A through the autocomplete
	await thread.getByRole('button', { name: /^Antwoorden/ }).click();
	const reply = other.getByLabel('Antwoord');
	await reply.pressSequentially('Eens, @Jor');
	await expect(other.getByRole('option', { name: 'Joris van Dam' })).toBeVisible();
	await other.keyboard.press('Enter');
	await reply.pressSequentially('wat vind jij?');
	await expect(reply).toHaveValue('Eens, @Joris van Dam wat vind jij?');
	await other.getByRole('button', { name: 'Antwoorden', exact: true }).click();

	// A: the reply appears with the mention, and the inbox count rises, without a reload
	const mine = page.locator('.kring-thread', { hasText: 'Kunnen we dit' });
	await expect(mine.locator('.kring-mention')).toHaveText('@Joris van Dam');
	await expect.poll(() => unread(page)).toBe(inboxBefore + 1);
	await expect(page.getByRole('link', { name: `Inbox, ${inboxBefore + 1} ongelezen` })).toBeVisible();
	await expectAccessible(page);

	// A resolves; B sees it resolved
	await mine.getByRole('button', { name: /^Afronden/ }).click();
	await expect(other.getByText('Afgerond (1)')).toBeVisible();
	await expect(other.locator('.kring-thread', { hasText: 'Kunnen we dit' })).toHaveCount(0);
	await expect(otherField.locator('.kring-anchor')).toHaveCount(0);
	await other.getByText('Afgerond (1)').click();
	await expect(other.locator('.kring-thread', { hasText: 'Kunnen we dit' })).toContainText('Afgerond door Joris van Dam');

	// the inbox lists the mention and marks it read
	await page.goto('/inbox');
	await expect(page.getByText('Els de Wit noemde je').first()).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Alles als gelezen markeren' }).click();
	await expect(page.getByText('Alles is gelezen.')).toBeVisible();
	await expect.poll(() => unread(page)).toBe(0);

	// a new mention shows up in the open inbox without a reload
	await other.getByRole('radio', { name: /^Open/ }).check();
	await other.getByRole('button', { name: 'Nieuwe discussie' }).click();
	await other.getByLabel('Je reactie').fill('Nog een vraag voor @Joris van Dam');
	await other.getByRole('button', { name: 'Plaatsen' }).click();
	await expect(page.getByText('Nog een vraag voor @Joris van Dam')).toBeVisible();
	await expect.poll(() => unread(page)).toBe(1);

	// following the link opens the thread on the card and marks its notification read
	await page.locator('.kring-inbox__item', { hasText: 'Nog een vraag voor' }).getByRole('link', { name: 'Bekijk de discussie' }).click();
	await expect(page.locator('.kring-thread', { hasText: 'Nog een vraag voor' })).toBeFocused();
	await expect.poll(() => unread(page)).toBe(0);
	await other.context().close();
});

test('an anchor follows edits before and inside its passage, and says so when the passage is deleted', async ({ page, browser }) => {
	await login(page, 'editor');
	const action = await kennemerlandAction(page, 1);
	const url = `/plannen/${action.planId}/acties/${action.id}`;
	await page.goto(url);
	const other = await openAs(browser, 'viewer', url);

	const field = firstField(page);
	await expect(field.locator('.kring-rte__content')).toBeVisible();
	const paragraph = (await field.locator('.kring-rte__content p').first().innerText()).replace(/\n/g, '');
	const passage = paragraph.slice(4, 14);
	await selectPassage(page, field, 4, 10, passage);
	await field.getByRole('button', { name: /Reageer op selectie/ }).click();
	await page.getByLabel('Je reactie').fill('Dit stuk klopt niet.');
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	// posting moves focus to the new thread; its id picks this thread's passage out of any others in the text
	await expect(page.locator('.kring-thread:focus')).toHaveCount(1);
	const threadId = (await page.locator('.kring-thread:focus').getAttribute('id'))!.replace(/^discussie-/, '');
	const otherAnchor = firstField(other).locator(`.kring-anchor[data-thread="${threadId}"]`);
	await expect.poll(() => highlighted(otherAnchor)).toBe(passage);

	// typing before the passage moves it, it does not change it
	await toTextStart(page, field);
	await page.keyboard.type('Nieuw: ');
	await expect(field.locator('.kring-rte__content p').first()).toContainText('Nieuw: ');
	await expect(firstField(other).locator('.kring-rte__content p').first()).toContainText('Nieuw: ');
	await expect.poll(() => highlighted(otherAnchor)).toBe(passage);

	// typing inside the passage grows it
	await page.keyboard.press('Control+Home');
	for (let i = 0; i < 'Nieuw: '.length + 4 + 3; i++) await page.keyboard.press('ArrowRight');
	// the caret must stand right after the passage's first three characters (see selectPassage on lost presses)
	for (let attempt = 0; attempt < 3; attempt++) {
		for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowLeft');
		const before = await page.evaluate(() => window.getSelection()?.toString() ?? '');
		await page.keyboard.press('ArrowRight');
		if (before === passage.slice(0, 3)) break;
		await page.keyboard.press('ArrowRight');
	}
	await page.keyboard.type('QQ');
	const grown = `${passage.slice(0, 3)}QQ${passage.slice(3)}`;
	await expect.poll(() => highlighted(otherAnchor)).toBe(grown);
	await expect.poll(() => highlighted(field.locator(`.kring-anchor[data-thread="${threadId}"]`))).toBe(grown);

	// deleting the passage keeps the thread, marked "tekst verwijderd"
	await selectPassage(page, field, 'Nieuw: '.length + 4, grown.length, grown);
	await page.keyboard.press('Backspace');
	await expect(otherAnchor).toHaveCount(0);
	await expect(other.locator(`#discussie-${threadId}`).getByText('tekst verwijderd')).toBeVisible();
	await expect(page.locator(`#discussie-${threadId}`).getByText('tekst verwijderd')).toBeVisible();
	await other.context().close();
});

test('a reader selects a passage with the keyboard alone and starts a thread on it', async ({ page }) => {
	await login(page, 'viewer');
	const action = await kennemerlandAction(page, 3);
	await page.goto(`/plannen/${action.planId}/acties/${action.id}`);
	const field = page.locator('.kring-rte').filter({ has: page.locator('.kring-rte__content p', { hasText: /\S{8}/ }) }).first();
	const content = field.locator('.kring-rte__content');
	await expect(content).toHaveAttribute('aria-readonly', 'true');
	const paragraph = (await content.locator('p').first().innerText()).replace(/\n/g, '');
	// Tab into the text, then select with Shift+arrows
	await field.getByRole('button', { name: /Reageer op selectie/ }).focus();
	await page.keyboard.press('Tab');
	await expect(content).toBeFocused();
	await page.keyboard.press('Control+Home');
	for (let i = 0; i < 8; i++) await page.keyboard.press('Shift+ArrowRight');
	await expect.poll(() => page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe(paragraph.slice(0, 8));
	await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)))));
	// back to "Reageer op selectie" and press it
	await page.keyboard.press('Shift+Tab');
	await expect(field.getByRole('button', { name: /Reageer op selectie/ })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.locator('.kring-threads__quote')).toHaveText(paragraph.slice(0, 8));
	await page.getByLabel('Je reactie').fill('Wat wordt hier precies bedoeld?');
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	await expect(field.locator('.kring-anchor')).toHaveText(paragraph.slice(0, 8));
	await expect(content.locator('p').first()).toHaveText(paragraph);
});

test('comments refuse empty and over-long text and render hostile input inert', async ({ page }) => {
	await login(page, 'viewer');
	const action = await kennemerlandAction(page, 2);
	await page.goto(`/plannen/${action.planId}/acties/${action.id}`);
	await page.getByRole('button', { name: 'Nieuwe discussie' }).click();
	const body = page.getByLabel('Je reactie');

	await body.fill('   ');
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	await expect(page.getByText('Schrijf eerst een reactie.')).toBeVisible();
	await expect(body).toHaveAttribute('aria-invalid', 'true');

	await body.fill('x'.repeat(10_001));
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	await expect(page.getByText('Een reactie mag hoogstens 10.000 tekens lang zijn.')).toBeVisible();

	const hostile = [
		'<img src=x onerror="window.__xss=1">',
		'<script>window.__xss=2</script>',
		'[klik](javascript:window.__xss=3)',
		'<svg onload="window.__xss=4"></svg>',
		'**vet** en [Veilig Thuis](https://veiligthuis.nl)'
	].join('\n\n');
	await body.fill(hostile);
	await page.getByRole('button', { name: 'Plaatsen' }).click();
	const thread = page.locator('.kring-thread', { hasText: 'onerror' });
	await expect(thread.locator('strong', { hasText: 'vet' })).toBeVisible();
	await expect(thread.getByRole('link', { name: 'Veilig Thuis' })).toHaveAttribute('href', 'https://veiligthuis.nl');
	await expect(thread.getByText('<img src=x onerror="window.__xss=1">')).toBeVisible();
	await expect(thread.getByText('[klik](javascript:window.__xss=3)')).toBeVisible();
	const body0 = thread.locator('.kring-comment__body');
	await expect(body0.locator('img, script, svg')).toHaveCount(0);
	expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

	// the author edits and deletes their own words; both stay visible as such
	await thread.getByRole('button', { name: 'Antwoorden', exact: false }).first().click();
	await page.getByLabel('Antwoord').fill('Een tweede gedachte');
	await page.getByRole('button', { name: 'Antwoorden', exact: true }).click();
	const second = thread.locator('.kring-comment', { hasText: 'Een tweede gedachte' });
	await second.getByRole('button', { name: /^Bewerken/ }).click();
	await thread.getByLabel('Bewerken').fill('Een betere gedachte');
	await thread.getByRole('button', { name: 'Opslaan' }).click();
	const edited = thread.locator('.kring-comment', { hasText: 'Een betere gedachte' });
	await expect(edited).toContainText('(bewerkt)');
	page.once('dialog', (dialog) => void dialog.accept());
	await edited.getByRole('button', { name: /^Verwijderen/ }).click();
	await expect(thread.getByText('Deze reactie is verwijderd.')).toBeVisible();
	await expect(thread.getByText('Een betere gedachte')).toHaveCount(0);

	// a reader may resolve their own thread
	await thread.getByRole('button', { name: /^Afronden/ }).click();
	await expect(page.getByText('Afgerond (1)')).toBeVisible();
	await expectAccessible(page);
});

test('the JSON API lists and shows threads to readers only, and refuses bad input in Dutch', async ({ page, browser }) => {
	await login(page, 'editor');
	const action = await kennemerlandAction(page, 3);
	const created = await page.request.post(`/api/plans/${action.planId}/threads`, {
		data: { target: { kind: 'action', id: action.id }, body: 'Via de API @Els de Wit' }
	});
	expect(created.status()).toBe(201);
	const { thread } = (await created.json()) as { thread: { id: string; status: string; comments: { mentions: string[] }[] } };
	expect(thread.comments[0].mentions).toEqual(['Els de Wit']);

	const open = await (await page.request.get(`/api/plans/${action.planId}/threads?status=open`)).json();
	expect(open.threads.map((t: { id: string }) => t.id)).toContain(thread.id);
	const resolved = await (await page.request.get(`/api/plans/${action.planId}/threads?status=resolved`)).json();
	expect(resolved.threads.every((t: { status: string }) => t.status === 'resolved')).toBe(true);
	expect((await page.request.get(`/api/plans/${action.planId}/threads?status=rubbish`)).status()).toBe(400);
	const one = await page.request.get(`/api/threads/${thread.id}`);
	expect(one.status()).toBe(200);

	const empty = await page.request.post(`/api/threads/${thread.id}`, { data: { op: 'reply', body: ' \n ' } });
	expect(empty.status()).toBe(400);
	expect((await empty.json()).message).toBe('Schrijf eerst een reactie.');
	const long = await page.request.post(`/api/threads/${thread.id}`, { data: { op: 'reply', body: 'x'.repeat(10_001) } });
	expect((await long.json()).message).toBe('Een reactie mag hoogstens 10.000 tekens lang zijn.');
	const form = await page.request.post(`/api/threads/${thread.id}`, { form: { op: 'reply', body: 'via formulier' } });
	expect(form.status()).toBeGreaterThanOrEqual(400);

	// Ruben reads only Arnhem-Achterhoek: the thread does not exist for him
	const stranger = await browser.newContext();
	const ruben = await stranger.newPage();
	await login(ruben, 'arnhem');
	expect((await ruben.request.get(`/api/threads/${thread.id}`)).status()).toBe(404);
	expect((await ruben.request.get(`/api/plans/${action.planId}/threads`)).status()).toBe(404);
	expect((await ruben.request.post(`/api/threads/${thread.id}`, { data: { op: 'reply', body: 'hallo' } })).status()).toBe(404);
	await stranger.close();

	// the plan page counts open threads per action
	await page.goto(`/plannen/${action.planId}`);
	await expect(page.getByRole('link', { name: new RegExp(`open reacties?: ${action.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })).toBeVisible();
	await page.goto(`/plannen/${action.planId}/reacties`);
	await expect(page.getByText('Via de API')).toBeVisible();
	await expectAccessible(page);
});

test('a thread on a theme shows up live as an open count on the plan page', async ({ page, browser }) => {
	await login(page, 'editor');
	const plan = await planBySlug(page, KENNEMERLAND_PLAN);
	const outline = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as { chapters: { themes: { id: string; title: string }[] }[] };
	const theme = outline.chapters.flatMap((c) => c.themes)[1];
	await page.goto(`/plannen/${plan.id}`);
	const section = page.locator('section.kring-theme', { has: page.getByRole('heading', { name: theme.title }) });
	await expect(section.locator('.kring-theme__head [data-open-threads]')).toHaveCount(0);

	const reader = await openAs(browser, 'viewer', `/plannen/${plan.id}/themas/${theme.id}`);
	await reader.getByRole('button', { name: 'Nieuwe discussie' }).click();
	await reader.getByLabel('Je reactie').fill('Wie trekt dit onderdeel?');
	await reader.getByRole('button', { name: 'Plaatsen' }).click();
	await expect(reader.locator('.kring-thread', { hasText: 'Wie trekt dit onderdeel?' })).toBeVisible();
	await expectAccessible(reader);

	await expect(section.locator('.kring-theme__head [data-open-threads]')).toHaveAttribute('data-open-threads', '1');
	await section.locator('.kring-theme__head [data-open-threads]').click();
	await expect(page.locator('.kring-thread', { hasText: 'Wie trekt dit onderdeel?' })).toBeVisible();
	await reader.context().close();
});

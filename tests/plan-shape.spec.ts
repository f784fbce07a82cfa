import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible, login, NOG_PLAN, planBySlug } from './fixtures.ts';

/**
 * Plan settings, structure and archive, as the werkgroep editor on the
 * Noord-Oost Gelderland agenda. Every test acts on a chapter, theme and action
 * it creates itself, so other tests' themes and cards stay as they were.
 */
const stamp = () => Math.random().toString(36).slice(2, 8);

async function asUser(browser: Browser, account: 'editor' | 'viewer'): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await login(page, account);
	return page;
}

/** Posts a form action the way the browser would (same origin). */
async function post(page: Page, path: string, data: Record<string, string>) {
	const origin = new URL(page.url()).origin;
	return page.request.post(path, { form: data, headers: { origin, 'x-sveltekit-action': 'true' } });
}

async function themesOf(page: Page, planId: string) {
	const detail = (await (await page.request.get(`/api/plans/${planId}`)).json()) as {
		chapters: { id: string; title: string; themes: { id: string; title: string; actions: { id: string; title: string }[] }[] }[];
		cardTemplate: { key: string; label: string; hidden: boolean }[];
	};
	return detail;
}

async function noSidewaysScroll(page: Page) {
	await page.setViewportSize({ width: 320, height: 800 });
	const overflow = await page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 1).slice(0, 3);
		return { by: document.documentElement.scrollWidth - width, wide: wide.map((e) => `${e.tagName}.${e.className}`) };
	});
	expect(overflow.by, overflow.wide.join(', ')).toBeLessThanOrEqual(0);
	await page.setViewportSize({ width: 1280, height: 900 });
}

test('an editor creates a chapter and renames its theme while a reader watches the plan page change', async ({ browser }) => {
	const editor = await asUser(browser, 'editor');
	const plan = await planBySlug(editor, NOG_PLAN);
	const viewer = await asUser(browser, 'viewer');
	await viewer.goto(`/plannen/${plan.id}`);

	const chapter = `Shape-hoofdstuk ${stamp()}`;
	await editor.goto(`/plannen/${plan.id}/instellingen`);
	await expectAccessible(editor);
	await editor.getByLabel(/^Nieuw: /).fill(chapter);
	await editor.getByRole('button', { name: 'Toevoegen', exact: true }).click();
	await expect(editor.getByRole('status').filter({ hasText: 'Toegevoegd.' })).toBeVisible();
	await expect(viewer.getByRole('heading', { name: chapter })).toBeVisible({ timeout: 5000 });

	// a theme in that chapter, then renamed from the Structuur section
	const chapterId = (await themesOf(editor, plan.id)).chapters.find((c) => c.title === chapter)!.id;
	const created = await post(editor, `/plannen/${plan.id}?/createTheme`, { chapterId, title: `Shape-thema ${stamp()}` });
	expect(created.ok()).toBe(true);
	await editor.reload();
	const themeId = (await themesOf(editor, plan.id)).chapters.find((c) => c.id === chapterId)!.themes[0].id;
	const renamed = `Hernoemd thema ${stamp()}`;
	await editor.locator(`#tt-${themeId}`).fill(renamed);
	await editor.locator(`#tt-${themeId}`).press('Enter');
	await expect(editor.getByRole('status').filter({ hasText: 'Opgeslagen.' })).toBeVisible();
	await expect(viewer.getByText(renamed).first()).toBeVisible({ timeout: 5000 });

	// a reader cannot open the settings, and a forged post changes nothing
	expect((await viewer.goto(`/plannen/${plan.id}/instellingen`))?.status()).toBe(403);
	await viewer.goto(`/plannen/${plan.id}`);
	const forged = await post(viewer, `/plannen/${plan.id}/instellingen?/saveTheme`, { themeId, title: 'Gekaapt' });
	expect(forged.status()).toBe(403);
	const after = await themesOf(editor, plan.id);
	expect(after.chapters.flatMap((c) => c.themes).find((t) => t.id === themeId)?.title).toBe(renamed);

	await noSidewaysScroll(editor);
	// leave the plan as it was: archive the theme, then the (now empty) chapter
	await editor.goto(`/plannen/${plan.id}/instellingen`);
	await editor.getByRole('button', { name: new RegExp(`^Archiveren\\s*: ${renamed}$`) }).click();
	await expect(editor.getByRole('status').filter({ hasText: 'Gearchiveerd.' })).toBeVisible();
	await editor.getByRole('button', { name: new RegExp(`^Archiveren\\s*: ${chapter}$`) }).click();
	await expect(editor.locator(`input[value="${chapter}"]`)).toHaveCount(0);
});

test('a new card field shows on a card, and hidden again it is gone', async ({ browser }) => {
	const editor = await asUser(browser, 'editor');
	const plan = await planBySlug(editor, NOG_PLAN);
	const action = (await themesOf(editor, plan.id)).chapters.flatMap((c) => c.themes).flatMap((t) => t.actions)[0];
	const label = `Shape-veld ${stamp()}`;
	await editor.goto(`/plannen/${plan.id}/instellingen`);
	await editor.getByRole('button', { name: 'Veld toevoegen' }).click();
	await editor.keyboard.type(label);
	// a duplicate label is refused in Dutch
	await editor.getByRole('button', { name: 'Instellingen opslaan' }).click();
	await expect(editor.getByRole('status').filter({ hasText: 'De instellingen zijn opgeslagen.' })).toBeVisible();
	const template = (await themesOf(editor, plan.id)).cardTemplate;
	expect(template.at(-1)).toMatchObject({ label, hidden: false });

	await editor.goto(`/plannen/${plan.id}/acties/${action.id}`);
	await expect(editor.getByText(label, { exact: true })).toBeVisible();

	await editor.goto(`/plannen/${plan.id}/instellingen`);
	const n = template.length;
	await editor.getByLabel(`Naam van veld ${n}`).locator('xpath=..').getByLabel('Verbergen').check();
	await editor.getByRole('button', { name: 'Instellingen opslaan' }).click();
	await expect(editor.getByRole('status').filter({ hasText: 'De instellingen zijn opgeslagen.' })).toBeVisible();
	expect((await themesOf(editor, plan.id)).cardTemplate.at(-1)).toMatchObject({ label, hidden: true });
	await editor.goto(`/plannen/${plan.id}/acties/${action.id}`);
	await expect(editor.getByText(label, { exact: true })).toHaveCount(0);
});

test('an editor archives an action, undoes it, archives it again and restores it from the archive', async ({ browser }) => {
	const editor = await asUser(browser, 'editor');
	const plan = await planBySlug(editor, NOG_PLAN);
	await editor.goto(`/plannen/${plan.id}`);
	const chapterTitle = `Shape-archief ${stamp()}`;
	await post(editor, `/plannen/${plan.id}/instellingen?/createChapter`, { title: chapterTitle });
	const chapterId = (await themesOf(editor, plan.id)).chapters.find((c) => c.title === chapterTitle)!.id;
	await post(editor, `/plannen/${plan.id}?/createTheme`, { chapterId, title: `Shape-archiefthema ${stamp()}` });
	const themeId = (await themesOf(editor, plan.id)).chapters.find((c) => c.id === chapterId)!.themes[0].id;
	const title = `Shape-actie ${stamp()}`;
	await post(editor, `/plannen/${plan.id}?/createAction`, { themeId, level: 'regional', title });
	const actionId = (await themesOf(editor, plan.id)).chapters.flatMap((c) => c.themes).find((t) => t.id === themeId)!.actions[0].id;

	const archive = async () => {
		await editor.goto(`/plannen/${plan.id}`);
		await editor.getByText(`Wijzig plaats van „${title}”`).click();
		await editor.getByText(`Wijzig plaats van „${title}”`).locator('xpath=..').getByRole('button', { name: 'Archiveren' }).click();
		await expect(editor.getByText('De actie is gearchiveerd.')).toBeVisible();
	};
	await archive();
	await editor.getByRole('button', { name: 'Ongedaan maken' }).click();
	await expect(editor.getByRole('link', { name: title })).toBeVisible();
	await archive();
	await expect(editor.getByRole('link', { name: title })).toHaveCount(0);

	// the archived card still opens, marked
	await editor.goto(`/plannen/${plan.id}/acties/${actionId}`);
	await expect(editor.getByText('Gearchiveerd', { exact: true })).toBeVisible();

	await editor.goto(`/plannen/${plan.id}/archief`);
	await expectAccessible(editor);
	await noSidewaysScroll(editor);
	const api = (await (await editor.request.get(`/api/plans/${plan.id}/archive`)).json()) as { actions: { id: string; archivedBy: { name: string } }[] };
	expect(api.actions.find((a) => a.id === actionId)?.archivedBy.name).toBe('Joris van Dam');
	await editor.getByRole('button', { name: new RegExp(`^Terugzetten\\s*: ${title}$`) }).click();
	await expect(editor.getByText(`‘${title}’ is teruggezet.`)).toBeVisible();
	await editor.goto(`/plannen/${plan.id}`);
	await expect(editor.getByRole('link', { name: title })).toBeVisible();

	// clean up: the theme (with its action) and the chapter go to the archive
	await post(editor, `/plannen/${plan.id}/instellingen?/archiveTheme`, { themeId });
	await post(editor, `/plannen/${plan.id}/instellingen?/archiveChapter`, { chapterId });
});

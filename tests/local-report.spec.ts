import { expect, test, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectAccessible, login, planBySlug, SAMEN_VEILIG_PLAN } from './fixtures';
import { freePort, waitForHealth } from './server-process.ts';

/**
 * Local reporting per gemeente and next year's text: an Arnhem editor writes
 * Arnhem's status and note on a regional local action from its card, the
 * matrix, the gemeente page and the JSON API show it, and nobody else can
 * write it. The "versterken" and "vernieuwen" part closes an evaluation, so
 * it runs on a Kring of its own (closing changes the plan for other specs).
 */

interface ApiAction {
	id: string;
	title: string;
	level: string;
	flagged: boolean;
	adoptions?: { municipalityId: string; municipalityName: string; status: string | null; note: string | null; updatedAt: number | null }[];
}
interface ApiPlan {
	id: string;
	chapters: { themes: { actions: ApiAction[] }[] }[];
}

const allActions = (plan: ApiPlan) => plan.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions));

async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
	const size = page.viewportSize()!;
	await page.setViewportSize({ width: 320, height: 800 });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `${what} scrolls sideways at 320 px`).toBeLessThanOrEqual(0);
	await page.setViewportSize(size);
}

/** A form action posted as use:enhance posts it; answers SvelteKit's { type, status, data } */
async function postAction(page: Page, url: string, form: Record<string, string>, origin: string) {
	const response = await page.request.post(url, { form, headers: { Origin: origin, Accept: 'application/json', 'x-sveltekit-action': 'true' } });
	return (await response.json()) as { type: string; status?: number; data?: string };
}

test.describe('local reporting per gemeente', () => {
	test.describe.configure({ mode: 'serial' });
	const note = `Arnhem: werving van aandachtsfunctionarissen gestart (${Date.now()}).`;
	let planId: string;
	let action: ApiAction;

	test('an Arnhem editor writes a note on a local action from the card, and the matrix shows it', async ({ page }) => {
		test.setTimeout(240_000);
		await login(page, 'arnhem');
		planId = (await planBySlug(page, SAMEN_VEILIG_PLAN)).id;
		const plan = (await (await page.request.get(`/api/plans/${planId}`)).json()) as ApiPlan;
		// not the first local action: the workspace spec sets Arnhem's status on that one
		action = allActions(plan).filter((a) => a.level === 'local')[4];

		await page.goto(`/plannen/${planId}/acties/${action.id}`);
		const section = page.locator('section#uitvoering');
		await expect(section.getByRole('heading', { name: 'Uitvoering in Arnhem' })).toBeVisible();
		await section.getByLabel('Status').selectOption('in_progress');
		await section.getByLabel('Notitie').fill(note);
		await section.getByRole('button', { name: 'Opslaan' }).click();
		await expect(section.getByRole('status')).toContainText('Opgeslagen voor Arnhem');
		// the list of every gemeente shows it with its author
		await section.getByText('Stand in alle gemeenten').click();
		await expect(section.locator('li', { hasText: note })).toContainText('Ruben Mulder');
		await expectAccessible(page);
		await expectNoSidewaysScroll(page, 'action card');

		await page.goto(`/plannen/${planId}/matrix`);
		await expect(page.getByRole('cell', { name: new RegExp(note.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toBeVisible();
		await expectAccessible(page);
		await expectNoSidewaysScroll(page, 'matrix');
		// the header row stays in view while the table scrolls down
		const header = page.locator('.kring-matrix thead th').nth(1);
		await page.locator('.kring-matrix').evaluate((el) => el.scrollTo(0, 400));
		const box = await header.boundingBox();
		const region = await page.locator('.kring-matrix').boundingBox();
		expect(Math.abs(box!.y - region!.y)).toBeLessThan(4);

	});

	test('"mijn gemeente", the gemeente page and the CSV show the note too', async ({ page }) => {
		test.setTimeout(240_000);
		await login(page, 'arnhem');
		await page.goto(`/plannen/${planId}/matrix`);
		// "mijn gemeente": Arnhem's own list, with the note in its form
		await page.getByRole('link', { name: 'Mijn gemeente' }).click();
		await expect(page.getByRole('heading', { name: 'Uitvoering in Arnhem' })).toBeVisible();
		await expect.poll(() => page.locator('textarea').evaluateAll((els, text) => els.filter((el) => (el as HTMLTextAreaElement).value === text).length, note)).toBe(1);
		await expectAccessible(page);
		await expectNoSidewaysScroll(page, 'mijn gemeente');

		// the gemeente page shows and edits it too
		await page.goto('/gemeenten/arnhem');
		await expect.poll(() => page.locator('textarea').evaluateAll((els, text) => els.filter((el) => (el as HTMLTextAreaElement).value === text).length, note)).toBe(1);
		await expectAccessible(page);
		await expectNoSidewaysScroll(page, 'gemeente page');

		// the CSV has a row per gemeente with status and note
		const csv = await (await page.request.get(`/plannen/${planId}/export/lokale-uitvoering.csv`)).text();
		expect(csv).toContain(note);
		expect(csv.split('\r\n')[0]).toContain('Notitie');
	});

	test("Arnhem's local plan lists the regional local actions it carries out, with Arnhem's own status", async ({ page }) => {
		await login(page, 'arnhem');
		const local = await planBySlug(page, 'arnhem-uitvoeringsplan-2024-2028');
		await page.goto(`/plannen/${local.id}`);
		const section = page.locator('section.kring-carried');
		await expect(section.getByRole('heading', { name: 'Regionale acties die Arnhem uitvoert' })).toBeVisible();
		await expect(section.locator('li', { hasText: action.title }).first()).toContainText(note);
		await expectAccessible(page);
	});

	test('the API gives every gemeente of the region per local action, null where it has not reported', async ({ page }) => {
		await login(page, 'viewer');
		const plan = (await (await page.request.get(`/api/plans/${planId}`)).json()) as ApiPlan;
		const locals = allActions(plan).filter((a) => a.level === 'local');
		const regional = allActions(plan).filter((a) => a.level === 'regional');
		expect(regional.every((a) => a.adoptions === undefined)).toBe(true);
		const mine = locals.find((a) => a.id === action.id)!;
		const count = mine.adoptions!.length;
		expect(count).toBeGreaterThan(5);
		expect(locals.every((a) => a.adoptions!.length === count)).toBe(true);
		const arnhem = mine.adoptions!.find((r) => r.municipalityName === 'Arnhem')!;
		expect(arnhem).toMatchObject({ status: 'in_progress', note });
		expect(arnhem.updatedAt).toBeGreaterThan(0);
		const quiet = mine.adoptions!.filter((r) => r.note === null);
		expect(quiet.length).toBe(count - 1);
		for (const r of mine.adoptions!) expect(Object.keys(r).sort()).toEqual(['municipalityId', 'municipalityName', 'note', 'status', 'updatedAt']);
	});

	test("nobody else writes Arnhem's note: a forged post is a Dutch 403, a too long note a Dutch 400", async ({ page, baseURL }) => {
		await login(page, 'doetinchem');
		const plan = (await (await page.request.get(`/api/plans/${planId}`)).json()) as ApiPlan;
		const arnhemId = allActions(plan).find((a) => a.id === action.id)!.adoptions!.find((r) => r.municipalityName === 'Arnhem')!.municipalityId;
		const forged = await postAction(page, `/plannen/${planId}/matrix?/report`, { actionId: action.id, municipalityId: arnhemId, status: 'dropped', note: 'Vervalst' }, baseURL!);
		expect(forged.status).toBe(403);
		expect(forged.data).toContain('Je mag alleen de uitvoering van je eigen gemeente bijwerken.');

		const doetinchemId = allActions(plan).find((a) => a.id === action.id)!.adoptions!.find((r) => r.municipalityName === 'Doetinchem')!.municipalityId;
		const long = await postAction(page, `/plannen/${planId}/matrix?/report`, { actionId: action.id, municipalityId: doetinchemId, status: 'done', note: 'x'.repeat(2001) }, baseURL!);
		expect(long.status).toBe(400);
		expect(long.data).toContain('De notitie is te lang');

		const after = (await (await page.request.get(`/api/plans/${planId}`)).json()) as ApiPlan;
		const rows = allActions(after).find((a) => a.id === action.id)!.adoptions!;
		expect(rows.find((r) => r.municipalityName === 'Arnhem')).toMatchObject({ status: 'in_progress', note });
		expect(rows.find((r) => r.municipalityName === 'Doetinchem')?.note).toBeNull();
	});
});

// ——— next year's text, on a Kring of its own ———

const ROOT = fileURLToPath(new URL('..', import.meta.url));

test.describe("next year's text after an evaluation", () => {
	test.describe.configure({ mode: 'serial' });
	let server: ChildProcess | undefined;
	let dir: string;
	let base: string;

	test.beforeAll(async () => {
		test.setTimeout(180_000);
		dir = mkdtempSync(join(tmpdir(), 'kring-local-report-e2e-'));
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'kring.db'), LOG_LEVEL: 'warn' };
		delete env.ORIGIN;
		server = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
		await waitForHealth(base);
	});

	test.afterAll(async () => {
		if (server && server.exitCode === null) {
			const exited = new Promise((r) => server!.once('exit', r));
			server.kill('SIGTERM');
			await exited;
		}
		rmSync(dir, { recursive: true, force: true });
	});

	async function as(browser: Browser, account: 'admin' | 'viewer') {
		const context = await browser.newContext({ baseURL: base });
		const page = await context.newPage();
		await login(page, account);
		return page;
	}

	test('versterken flags the card, the plan page and the board until an editor clears it; vernieuwen starts from the old text, linked both ways', async ({ browser }) => {
		test.setTimeout(120_000);
		const admin = await as(browser, 'admin');
		const plan = await planBySlug(admin, 'kennemerland-actieprogramma-2021-2024');
		const outline = (await (await admin.request.get(`/api/plans/${plan.id}`)).json()) as ApiPlan;
		const [strengthened, renewed] = allActions(outline);

		expect((await postAction(admin, `/plannen/${plan.id}/evaluaties?/create`, { year: '2025', title: 'Evaluatie 2025' }, base)).type).toBe('success');
		const cycle = ((await (await admin.request.get(`/api/plans/${plan.id}/reviews`)).json()) as { reviews: { id: string }[] }).reviews[0];
		expect((await postAction(admin, `/plannen/${plan.id}/evaluaties?/open`, { cycleId: cycle.id }, base)).type).toBe('success');
		for (const [a, verdict, text] of [
			[strengthened, 'strengthen', 'Doelgroep scherper omschrijven'],
			[renewed, 'renew', 'Nieuwe opzet']
		] as const) {
			expect((await postAction(admin, `/evaluaties/${cycle.id}/sessie?/decide`, { actionId: a.id, verdict, decisionText: text }, base)).type).toBe('success');
		}
		const closed = await postAction(admin, `/evaluaties/${cycle.id}?/close`, { label: 'Versie 2025', adoptedAt: '2025-03-12', confirmDeferred: 'on' }, base);
		expect(closed.type).toBe('success');

		// the flag: the JSON API, the plan page, the board and the card
		const after = (await (await admin.request.get(`/api/plans/${plan.id}`)).json()) as ApiPlan;
		expect(allActions(after).find((a) => a.id === strengthened.id)?.flagged).toBe(true);
		const reader = await as(browser, 'viewer');
		await reader.goto(`/plannen/${plan.id}`);
		const line = reader.locator('.kring-action-line', { has: reader.getByRole('link', { name: strengthened.title, exact: true }) });
		await expect(line.locator('.kring-vflag')).toHaveText(/Versterken/);
		await expectAccessible(reader);
		await reader.goto(`/plannen/${plan.id}/bord`);
		await expect(reader.locator('.kring-bcard', { has: reader.getByRole('link', { name: strengthened.title, exact: true }) }).locator('.kring-vflag')).toBeVisible();
		await reader.goto(`/plannen/${plan.id}/acties/${strengthened.id}`);
		await expect(reader.getByText('Na de evaluatie: versterken')).toBeVisible();
		await expect(reader.locator('.kring-nextyear__flag')).toContainText('Besluit in Evaluatie 2025: Doelgroep scherper omschrijven');
		// a reader sees no button, and a forged post is refused in Dutch
		await expect(reader.getByRole('button', { name: 'Markering weghalen' })).toHaveCount(0);
		const forged = await postAction(reader, `/plannen/${plan.id}/matrix?/clearFlag`, { actionId: strengthened.id }, base);
		expect(forged.status).toBe(403);
		expect(forged.data).toContain('Alleen een redacteur van deze actie');
		await expectAccessible(reader);

		await admin.goto(`/plannen/${plan.id}/acties/${strengthened.id}`);
		await admin.getByRole('button', { name: 'Markering weghalen' }).click();
		await expect(admin.getByText('De markering Versterken is weggehaald.')).toBeVisible();
		await expect(admin.getByText('Na de evaluatie: versterken')).toHaveCount(0);
		await admin.goto(`/plannen/${plan.id}`);
		await expect(admin.locator('.kring-action-line', { has: admin.getByRole('link', { name: strengthened.title, exact: true }) }).locator('.kring-vflag')).toHaveCount(0);

		// vernieuwen: the successor opens with the predecessor's text, and both cards point at each other
		await reader.goto(`/plannen/${plan.id}/acties/${renewed.id}`);
		const successorLink = reader.locator('.kring-nextyear__link', { hasText: 'Opgevolgd door' }).getByRole('link');
		await expect(successorLink).toHaveText(renewed.title);
		const cardText = async () => (await reader.locator('.kring-rte__host').allInnerTexts()).join('\n').trim();
		await expect.poll(cardText).not.toBe('');
		const before = await cardText();
		await successorLink.click();
		await expect(reader.locator('.kring-nextyear__link', { hasText: 'Vervolg op' }).getByRole('link')).toHaveText(renewed.title);
		await expect.poll(cardText).toBe(before);
		await expectAccessible(reader);
		await reader.context().close();
		await admin.context().close();
	});
});

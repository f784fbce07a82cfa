import { expect, test, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectAccessible, expectFitsPhone, login, planBySlug, type AccountName } from './fixtures.ts';
import { freePort, waitForHealth } from './server-process.ts';

/**
 * Preparing and closing an evaluation as people do it: one list with its
 * progress, one focused form per action with previous/next, a vote from a
 * phone that keeps focus, and a close preview that matches what closing
 * does. On a Kring of its own (opening a cycle sends reminders to inboxes
 * other tests count, and closing archives actions other tests use).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KENNEMERLAND = 'kennemerland-actieprogramma-2021-2024';

interface CycleJson {
	actions: { id: string; title: string; decision: { verdict: string | null; successorActionId: string | null } | null }[];
}

async function postAction(page: Page, url: string, form: Record<string, string>, origin: string) {
	const response = await page.request.post(url, { form, headers: { Origin: origin, Accept: 'application/json', 'x-sveltekit-action': 'true' } });
	return (await response.json()) as { type: string; status?: number };
}

test.describe('preparing and closing an evaluation', () => {
	test.describe.configure({ mode: 'serial' });
	let server: ChildProcess | undefined;
	let dir: string;
	let base: string;
	let planId: string;
	let cycleId: string;
	let actions: CycleJson['actions'];

	async function as(browser: Browser, account: AccountName, width = 1280): Promise<Page> {
		const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		await login(page, account);
		// on a phone the sign-out button sits in the header's menu: sign in wide, then narrow the window
		if (width !== 1280) await page.setViewportSize({ width, height: 720 });
		return page;
	}

	test.beforeAll(async ({ browser }) => {
		test.setTimeout(180_000);
		dir = mkdtempSync(join(tmpdir(), 'kring-evaluation-flow-e2e-'));
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'kring.db'), LOG_LEVEL: 'warn' };
		delete env.ORIGIN;
		server = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
		await waitForHealth(base);
		const admin = await as(browser, 'admin');
		planId = (await planBySlug(admin, KENNEMERLAND)).id;
		expect((await postAction(admin, `/plannen/${planId}/evaluaties?/create`, { year: '2025', title: 'Evaluatie 2025' }, base)).type).toBe('success');
		cycleId = ((await (await admin.request.get(`/api/plans/${planId}/reviews`)).json()) as { reviews: { id: string }[] }).reviews[0].id;
		expect((await postAction(admin, `/plannen/${planId}/evaluaties?/open`, { cycleId }, base)).type).toBe('success');
		actions = ((await (await admin.request.get(`/api/reviews/${cycleId}`)).json()) as CycleJson).actions;
		expect(actions.length).toBeGreaterThan(4);
		await admin.context().close();
	});

	test.afterAll(async () => {
		if (server && server.exitCode === null) {
			const exited = new Promise((r) => server!.once('exit', r));
			server.kill('SIGTERM');
			await exited;
		}
		rmSync(dir, { recursive: true, force: true });
	});

	test('the progress line counts one more after a review is filled in', async ({ browser }) => {
		const admin = await as(browser, 'admin');
		await admin.goto(`/evaluaties/${cycleId}`);
		const progress = admin.getByRole('progressbar', { name: 'Voortgang van de voorbereiding' });
		await expect(admin.getByTestId('prep-progress')).toHaveText(`0 van ${actions.length} ingevuld`);
		await expect(progress).toHaveAttribute('aria-valuetext', `0 van ${actions.length} ingevuld`);
		await expectAccessible(admin);
		await expectFitsPhone(admin, 'Voorbereiding');

		const first = actions[0];
		await admin.getByRole('link', { name: first.title, exact: true }).click();
		await expect(admin.getByRole('heading', { level: 1 })).toHaveText(`Evaluatie: ${first.title}`);
		await expectAccessible(admin);
		await expectFitsPhone(admin, 'Evaluatieformulier');
		await admin.getByLabel('Wat is bereikt').fill('De eerste bijeenkomsten zijn gehouden');
		await admin.getByLabel('Vasthouden', { exact: true }).check();
		await admin.getByRole('button', { name: 'Evaluatie opslaan' }).click();
		await expect(admin.getByText('De evaluatie is opgeslagen.')).toBeVisible();

		await admin.getByRole('link', { name: 'Terug naar de lijst' }).click();
		await expect(admin.getByTestId('prep-progress')).toHaveText(`1 van ${actions.length} ingevuld`);
		await expect(progress).toHaveAttribute('aria-valuenow', '1');
		const row = admin.locator(`[data-action-id="${first.id}"]`);
		await expect(row).toHaveAttribute('data-state', 'done');
		await expect(row).toContainText('Ingevuld');
		await expect(row).toContainText('door Sanne Bakker');
		await admin.context().close();
	});

	test('previous and next walk the list by keyboard; "opslaan en volgende" saves and moves on', async ({ browser }) => {
		const admin = await as(browser, 'admin');
		await admin.goto(`/evaluaties/${cycleId}/acties/${actions[1].id}`);
		await expect(admin.getByText(`Actie 2 van ${actions.length}`)).toBeVisible();
		// from the last button of the form, Tab reaches "Vorige" and then "Volgende"
		await admin.getByRole('button', { name: 'Opslaan en volgende' }).focus();
		await admin.keyboard.press('Tab');
		await expect(admin.getByRole('link', { name: /^Vorige/ })).toBeFocused();
		await admin.keyboard.press('Tab');
		await expect(admin.getByRole('link', { name: /^Volgende/ })).toBeFocused();
		await admin.keyboard.press('Enter');
		await expect(admin).toHaveURL(new RegExp(`/acties/${actions[2].id}$`));
		await expect(admin.getByRole('heading', { level: 1 })).toHaveText(`Evaluatie: ${actions[2].title}`);
		await admin.getByRole('link', { name: /^Vorige/ }).focus();
		await admin.keyboard.press('Enter');
		await expect(admin).toHaveURL(new RegExp(`/acties/${actions[1].id}$`));

		await admin.getByLabel('Verlaten', { exact: true }).check();
		await admin.getByRole('button', { name: 'Opslaan en volgende' }).click();
		await expect(admin).toHaveURL(new RegExp(`/acties/${actions[2].id}\\?opgeslagen=${actions[1].id}$`));
		await expect(admin.getByText(`De evaluatie van ‘${actions[1].title}’ is opgeslagen.`)).toBeVisible();
		await expect(admin.getByText(`2 van ${actions.length} ingevuld`)).toBeVisible();
		await admin.context().close();
	});

	test('no error marks before input; a refused save puts the Dutch message beside the field', async ({ browser }) => {
		const admin = await as(browser, 'admin');
		await admin.goto(`/evaluaties/${cycleId}/acties/${actions[3].id}`);
		const form = admin.locator('form.kring-review-form');
		const marked = () => form.evaluate((el) => el.querySelectorAll('[aria-invalid], :invalid, .utrecht-form-field-error-message').length);
		expect(await marked()).toBe(0);
		await admin.getByLabel('Knelpunten').fill('Te weinig menskracht');
		expect(await marked()).toBe(0);

		await admin.getByRole('button', { name: 'Evaluatie opslaan' }).click();
		const verdict = admin.getByRole('radiogroup', { name: 'Voorstel' });
		await expect(verdict).toContainText('Kies vasthouden, versterken, vernieuwen of verlaten.');
		await expect(verdict).toHaveAttribute('aria-invalid', 'true');
		await expect(verdict.getByRole('radio').first()).toBeFocused();
		await expect(admin.getByLabel('Knelpunten')).toHaveValue('Te weinig menskracht');
		await expect(admin.getByLabel('Knelpunten')).not.toHaveAttribute('aria-invalid', 'true');
		await expect(admin.getByRole('alert')).toContainText('De evaluatie is niet opgeslagen.');
		await expectAccessible(admin);
		await admin.context().close();
	});

	test('after voting from a phone, focus stays on the vote button that was pressed', async ({ browser }) => {
		const viewer = await as(browser, 'viewer', 320);
		await viewer.goto(`/evaluaties/${cycleId}/sessie`);
		const keep = viewer.locator('button[name="verdict"][value="keep"]');
		await keep.focus();
		await viewer.keyboard.press('Enter');
		await expect(viewer.getByText('Jouw stem: Vasthouden')).toBeVisible();
		await expect(viewer.locator('.kring-tally__row[data-verdict="keep"] .kring-tally__count')).toHaveText('1');
		await expect(keep).toBeFocused();
		expect(await viewer.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.value)).toBe('keep');

		const drop = viewer.locator('button[name="verdict"][value="drop"]');
		await drop.tap().catch(() => drop.click());
		await expect(viewer.locator('.kring-tally__row[data-verdict="drop"] .kring-tally__count')).toHaveText('1');
		await expect(drop).toHaveAttribute('aria-pressed', 'true');
		await expect(drop).toBeFocused();
		await expectAccessible(viewer);
		await expectFitsPhone(viewer, 'Sessie');
		await viewer.context().close();
	});

	test('the close preview lists what closing will do, and closing does exactly that', async ({ browser }) => {
		const admin = await as(browser, 'admin');
		const [dropped, renewed, strengthened] = actions.slice(-3);
		for (const [a, verdict, text] of [
			[dropped, 'drop', 'Geen draagvlak'],
			[renewed, 'renew', 'Nieuwe opzet'],
			[strengthened, 'strengthen', 'Doelgroep scherper']
		] as const) {
			expect((await postAction(admin, `/evaluaties/${cycleId}/sessie?/decide`, { actionId: a.id, verdict, decisionText: text }, base)).type).toBe('success');
		}
		await admin.goto(`/evaluaties/${cycleId}`);
		await admin.getByRole('link', { name: 'Bekijk wat afsluiten doet' }).click();
		await expect(admin.getByRole('heading', { name: 'Wat er gaat gebeuren' })).toBeVisible();
		const listed = (outcome: string) => admin.locator(`[data-outcome="${outcome}"] li`).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action-id')));
		expect(await listed('archive')).toEqual([dropped.id]);
		expect(await listed('renew')).toEqual([renewed.id]);
		expect(await listed('flag')).toEqual([strengthened.id]);
		expect((await listed('later')).length).toBe(actions.length - 3);
		await expect(admin.locator(`[data-outcome="archive"]`)).toContainText('Reden: Geen draagvlak');
		await expectAccessible(admin);
		await expectFitsPhone(admin, 'Afsluiten');
		const before = { archive: await listed('archive'), renew: await listed('renew'), flag: await listed('flag') };

		await admin.getByLabel('Acties zonder besluit krijgen ‘besluit later’').check();
		await admin.getByRole('button', { name: 'Evaluatie afsluiten' }).click();
		await expect(admin.getByText('De evaluatie is afgesloten')).toBeVisible();
		await expect(admin.getByRole('heading', { name: 'Wat er is gebeurd' })).toBeVisible();
		expect({ archive: await listed('archive'), renew: await listed('renew'), flag: await listed('flag') }).toEqual(before);
		await expectAccessible(admin);

		// what happened to the plan: the archived and renewed actions left it, the renewed one has a successor, the flagged one stays flagged
		const live = (await (await admin.request.get(`/api/plans/${planId}`)).json()) as { chapters: { themes: { actions: { id: string; flagged?: boolean }[] }[] }[] };
		const liveActions = live.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions));
		const liveIds = liveActions.map((a) => a.id);
		for (const id of [...before.archive, ...before.renew]) expect(liveIds).not.toContain(id);
		expect(liveActions.find((a) => a.id === strengthened.id)?.flagged).toBe(true);
		const closed = (await (await admin.request.get(`/api/reviews/${cycleId}`)).json()) as CycleJson;
		const successor = closed.actions.find((a) => a.id === renewed.id)?.decision?.successorActionId;
		expect(successor).toBeTruthy();
		expect(liveIds).toContain(successor);
		await expect(admin.getByRole('link', { name: `Opvolger: ${renewed.title}` })).toHaveAttribute('href', `/plannen/${planId}/acties/${successor}`);
		await admin.context().close();
	});
});

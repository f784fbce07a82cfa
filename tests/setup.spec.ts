import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSmtp } from '../src/lib/server/test-smtp.ts';
import { expectAccessible, login } from './fixtures';
import { freePort, waitForHealth } from './server-process.ts';

/**
 * First start on an empty database: this spec starts its own Kring with
 * DEMO_DATA=false on a free port and a temporary database, reads the setup
 * link from the server's JSON log, creates the first admin and sets up a
 * region with three gemeenten. The last test checks, on the demo server, that
 * nobody but the instance admin gets in.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'een lange zin voor de eerste beheerder';

let server: ChildProcess | undefined;
let dir: string;
let base: string;
let setupLink: string;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

/** Resolves with the setup link from the first JSON log line that carries one. */
function readSetupLink(child: ChildProcess): Promise<string> {
	return new Promise((resolve, reject) => {
		let buffer = '';
		let stderr = '';
		const timer = setTimeout(() => reject(new Error(`no setup link in the log\n${buffer}\n${stderr}`)), 60_000);
		child.stderr?.on('data', (d) => (stderr += d));
		child.stdout?.on('data', (chunk: Buffer) => {
			buffer += chunk.toString('utf8');
			for (const line of buffer.split('\n')) {
				if (!line.startsWith('{')) continue;
				try {
					const entry = JSON.parse(line) as { setupLink?: unknown };
					if (typeof entry.setupLink === 'string') {
						clearTimeout(timer);
						resolve(entry.setupLink);
					}
				} catch {
					/* a partial line: wait for the rest */
				}
			}
		});
		child.once('exit', (code) => reject(new Error(`server exited (${code}) before logging a setup link\n${buffer}\n${stderr}`)));
	});
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
	const size = page.viewportSize()!;
	await page.setViewportSize({ width: 320, height: 800 });
	const { scrollWidth, clientWidth } = await page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		clientWidth: document.documentElement.clientWidth
	}));
	expect(scrollWidth, 'page scrolls sideways at 320 px').toBeLessThanOrEqual(clientWidth);
	await page.setViewportSize(size);
}

async function checkPage(page: Page): Promise<void> {
	await expectAccessible(page);
	await expectNoSidewaysScroll(page);
}

test.describe('first start on an empty database', () => {
	test.describe.configure({ mode: 'serial' });

	test.beforeAll(async () => {
		test.setTimeout(120_000);
		dir = mkdtempSync(join(tmpdir(), 'kring-setup-e2e-'));
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		// A real SMTP server: the invitations of the last test arrive here.
		smtp = await startSmtp();
		const env: NodeJS.ProcessEnv = {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATABASE_PATH: join(dir, 'kring.db'),
			DEMO_DATA: 'false',
			SMTP_URL: smtp.url,
			MAIL_FROM: 'Kring <kring@ijsselland.example>',
			LOG_LEVEL: 'warn'
		};
		// the link must name this server's own address
		delete env.ORIGIN;
		server = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		setupLink = await readSetupLink(server);
		await waitForHealth(base);
	});

	test.afterAll(async () => {
		if (server && server.exitCode === null) {
			const exited = new Promise((r) => server!.once('exit', r));
			server.kill('SIGTERM');
			await exited;
		}
		await smtp?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	test('an unknown setup link gets a clear Dutch 404 page', async ({ page }) => {
		expect(setupLink).toMatch(new RegExp(`^${base}/installatie/[a-z2-7]{32}$`));
		const response = await page.goto(`${base}/installatie/${'a'.repeat(32)}`);
		expect(response?.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1, name: 'Deze installatielink werkt niet' })).toBeVisible();
		await checkPage(page);
	});

	test('the link from the log creates the first admin, who sets up a region with three gemeenten', async ({ page }) => {
		test.setTimeout(90_000);
		await page.goto(setupLink);
		await expect(page.getByRole('heading', { level: 1, name: 'Kring inrichten' })).toBeVisible();
		await checkPage(page);

		// a password the server refuses: the form says why and keeps the name
		await page.getByLabel('Naam', { exact: true }).fill('Anna de Boer');
		await page.getByLabel('E-mailadres').fill('anna.deboer@gemeente.example');
		await page.getByLabel('Wachtwoord', { exact: true }).fill('aaaaaaaaaaaa');
		await page.getByLabel('Herhaal het wachtwoord').fill('aaaaaaaaaaaa');
		await page.getByRole('button', { name: 'Beheerder aanmaken' }).click();
		await expect(page.getByRole('alert')).toBeVisible();
		await expect(page.getByLabel('Naam', { exact: true })).toHaveValue('Anna de Boer');
		await checkPage(page);

		await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
		await page.getByLabel('Herhaal het wachtwoord').fill(PASSWORD);
		await page.getByRole('button', { name: 'Beheerder aanmaken' }).click();
		await page.waitForURL(`${base}/beheer/regios`);
		await expect(page.getByRole('heading', { level: 1, name: "Regio's beheren" })).toBeVisible();
		await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
		await expect(page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Beheer' })).toBeVisible();
		await expect(page.getByText("Er zijn nog geen regio's.")).toBeVisible();
		await checkPage(page);

		await page.getByLabel('Naam van de regio').fill('IJsselland');
		await page.getByRole('button', { name: 'Regio aanmaken' }).click();
		await page.waitForURL(`${base}/beheer/regios/ijsselland?nieuw`);
		await expect(page.getByRole('heading', { level: 1, name: 'IJsselland' })).toBeVisible();
		await expect(page.getByText('IJsselland is aangemaakt.')).toBeVisible();
		await checkPage(page);

		const rows = page.getByRole('region', { name: 'Gemeenten' }).getByRole('row');
		for (const [index, name] of ['Zwolle', 'kampen', 'Dalfsen'].entries()) {
			await page.getByLabel('Naam van de gemeente').fill(name);
			await page.getByRole('button', { name: 'Gemeente toevoegen' }).click();
			await expect(rows).toHaveCount(index + 2);
		}
		await expect(rows.nth(1)).toHaveText(/Dalfsen\s*GM0148/);
		await expect(rows.nth(2)).toHaveText(/Kampen\s*GM0166/);
		await expect(rows.nth(3)).toHaveText(/Zwolle\s*GM0193/);

		// a gemeente twice: refused with a Dutch message
		await page.getByLabel('Naam van de gemeente').fill('Kampen');
		await page.getByRole('button', { name: 'Gemeente toevoegen' }).click();
		await expect(page.getByRole('alert')).toContainText('hoort al bij deze regio');
		await expect(rows).toHaveCount(4);

		await page.getByRole('combobox', { name: 'Centrumgemeente' }).selectOption({ label: 'Zwolle' });
		await page.getByRole('button', { name: 'Centrumgemeente opslaan' }).click();
		await expect(page.getByText('De centrumgemeente is opgeslagen.')).toBeVisible();
		await expect(rows.nth(3)).toContainText('Centrumgemeente');
		await checkPage(page);

		await page.getByRole('link', { name: "Alle regio's" }).click();
		const item = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'IJsselland' }) });
		await expect(item).toContainText('3');
		await expect(item).toContainText('Zwolle');
		await checkPage(page);

		// the region's own page exists for its new beheerder
		await page.goto(`${base}/regios/ijsselland`);
		await expect(page.getByRole('heading', { level: 1, name: 'IJsselland' })).toBeVisible();
	});

	test('the new admin invites a werkgroeplid, a gemeente editor and a lezer by e-mail; each accepts from the mail and can do what the role allows', async ({ page, browser }) => {
		test.setTimeout(150_000);
		await page.goto(`${base}/login`);
		await page.getByLabel('E-mailadres').fill('anna.deboer@gemeente.example');
		await page.getByLabel('Wachtwoord').fill(PASSWORD);
		await page.getByRole('button', { name: 'Inloggen' }).click();
		await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeVisible();

		// A regional plan for the werkgroep to write.
		await page.goto(`${base}/regios/ijsselland`);
		await page.getByText('Nieuw plan', { exact: true }).click();
		await page.getByLabel('Titel van het plan').fill('Regioplan IJsselland 2026-2029');
		await page.getByLabel('Beginjaar').fill('2026');
		await page.getByLabel('Eindjaar').fill('2029');
		await page.getByRole('button', { name: 'Plan maken' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Regioplan IJsselland 2026-2029' })).toBeVisible();
		const planUrl = page.url();

		const people = [
			{ email: 'werkgroep@ijsselland.example', name: 'Bas Kuipers', role: 'Werkgroeplid' },
			{ email: 'redacteur@zwolle.example', name: 'Iris Smit', role: 'Redacteur gemeente Zwolle' },
			{ email: 'lezer@ijsselland.example', name: 'Mila Visser', role: 'Lezer' }
		];
		await page.goto(`${base}/regios/ijsselland/leden`);
		await checkPage(page);
		for (const person of people) {
			await page.getByLabel('E-mailadressen').first().fill(person.email);
			await page.locator('#invite-role').selectOption({ label: person.role });
			await page.getByRole('button', { name: 'Uitnodigen', exact: true }).click();
			// This submission's own answer: its address in the pending list (the message is the same each time).
			await expect(page.getByRole('region', { name: 'Openstaande uitnodigingen' }).getByText(person.email)).toBeVisible();
			await expect(page.getByText('Uitnodigingen verstuurd per e-mail: 1.')).toBeVisible();
			await expect(page.getByLabel('E-mailadressen').first()).toHaveValue('');
		}
		await expect.poll(() => smtp.received.length).toBe(3);

		const pages: Record<string, Page> = {};
		for (const person of people) {
			const mail = smtp.received.find((m) => JSON.stringify(m.to).includes(person.email))!;
			expect(mail.subject).toContain('IJsselland');
			const link = mail.text!.match(/https?:\/\/\S+\/uitnodiging\/[a-z2-7]{32}/)![0];
			expect(mail.html).toContain(link);
			const context = await browser.newContext();
			const invited = await context.newPage();
			await invited.goto(link);
			await invited.getByLabel('Je naam').fill(person.name);
			await invited.getByLabel('Wachtwoord', { exact: true }).fill(`${person.name} schrijft mee aan het plan`);
			await invited.getByLabel('Herhaal het wachtwoord').fill(`${person.name} schrijft mee aan het plan`);
			await invited.getByRole('button', { name: 'Uitnodiging aannemen' }).click();
			await expect(invited.getByRole('heading', { level: 1 })).toHaveText('Regio IJsselland');
			pages[person.role] = invited;
		}

		// The werkgroeplid edits the regional plan; the gemeente editor and the lezer read it.
		for (const [role, canEdit] of [['Werkgroeplid', true], ['Redacteur gemeente Zwolle', false], ['Lezer', false]] as const) {
			const p = pages[role];
			await p.goto(planUrl);
			await expect(p.getByRole('heading', { level: 1, name: 'Regioplan IJsselland 2026-2029' })).toBeVisible();
			await expect(p.getByText('Nieuw onderdeel toevoegen'), role).toHaveCount(canEdit ? 1 : 0);
			expect((await p.goto(`${base}/regios/ijsselland/leden`))?.status(), role).toBe(403);
		}

		// The logboek says who invited whom, and who accepted.
		await page.goto(`${base}/regios/ijsselland/logboek`);
		for (const person of people) await expect(page.getByRole('row').filter({ hasText: person.email }).first()).toBeVisible();
		await checkPage(page);
		for (const p of Object.values(pages)) await p.context().close();
	});

	test('the setup link works only once', async ({ page }) => {
		const response = await page.goto(setupLink);
		expect(response?.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1, name: 'Deze installatielink werkt niet' })).toBeVisible();
	});
});

test.describe('region management rights (demo data)', () => {
	test('the demo beheerder is the instance admin; a werkgroeplid gets 403, also for a forged form post', async ({ page, browser, baseURL }) => {
		await login(page, 'editor');
		await expect(page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Beheer' })).toHaveCount(0);
		const view = await page.goto('/beheer/regios');
		expect(view?.status()).toBe(403);
		await expectAccessible(page);
		expect((await page.goto('/beheer/regios/noord-oost-gelderland'))?.status()).toBe(403);
		const headers = { origin: baseURL! };
		const forged = [
			page.request.post('/beheer/regios?/create', { form: { name: 'Regio van de werkgroep' }, headers }),
			page.request.post('/beheer/regios/noord-oost-gelderland?/rename', { form: { name: 'Overgenomen' }, headers }),
			page.request.post('/beheer/regios/noord-oost-gelderland?/addMunicipality', { form: { name: 'Zwolle' }, headers })
		];
		for (const response of await Promise.all(forged)) expect(response.status()).toBe(403);

		const context = await browser.newContext();
		const admin = await context.newPage();
		await login(admin, 'admin');
		await admin.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Beheer' }).click();
		await expect(admin.getByRole('heading', { level: 1, name: "Regio's beheren" })).toBeVisible();
		await expect(admin.getByRole('link', { name: 'Regio van de werkgroep' })).toHaveCount(0);
		await admin.getByRole('link', { name: 'Noord-Oost Gelderland' }).click();
		await expect(admin.getByRole('heading', { level: 1, name: 'Noord-Oost Gelderland' })).toBeVisible();
		await expect(admin.getByRole('region', { name: 'Gemeenten' }).getByRole('row')).toHaveCount(15);
		await expect(admin.getByRole('row', { name: /Zwolle/ })).toHaveCount(0);
		await checkPage(admin);
		await context.close();
	});
});

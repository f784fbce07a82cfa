import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { ACCOUNTS, expectAccessible, PASSWORD } from './fixtures.ts';
import { freePort } from './server-process.ts';

/**
 * Password reset, MFA and the account pages against a REAL SMTP server. The
 * app reads SMTP_URL once at start, so this file starts its own Kring (the
 * same build: KRING_BUILD_DIR is inherited) on a free port with its own demo
 * database, and an smtp-server on 127.0.0.1 that keeps every message. Its
 * accounts are its own: nothing here touches the shared test server.
 */

interface Mail {
	to: string;
	subject: string;
	text: string;
}

const mails: Mail[] = [];
let smtp: SMTPServer;
let kring: ChildProcess;
let baseURL: string;
let dataDir: string;
let stderr = '';

// Each test walks several pages with axe and mail round trips: more than the default 45 s on a loaded 2-core machine.
test.describe.configure({ mode: 'serial', timeout: 150_000 });

test.beforeAll(async () => {
	test.setTimeout(90_000);
	smtp = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onData(stream, _session, callback) {
			simpleParser(stream).then(
				(parsed) => {
					const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
					mails.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '' });
					callback();
				},
				(err: Error) => callback(err)
			);
		}
	});
	const smtpPort = await freePort();
	await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', () => resolve()));

	const port = await freePort();
	dataDir = mkdtempSync(join(tmpdir(), 'kring-account-e2e-'));
	kring = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATABASE_PATH: join(dataDir, 'kring.db'),
			SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
			MAIL_FROM: 'Kring <kring@test.example>',
			LOGIN_THROTTLE_BASE_SECONDS: '2',
			LOG_LEVEL: 'warn'
		},
		stdio: ['ignore', 'ignore', 'pipe']
	});
	kring.stderr?.on('data', (chunk) => (stderr += String(chunk)));
	// A worker torn down after a timeout skips afterAll: the server must not outlive it.
	process.once('exit', () => kring.kill('SIGTERM'));
	baseURL = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (kring.exitCode !== null) throw new Error(`Kring stopped: ${stderr}`);
		try {
			if ((await fetch(`${baseURL}/healthz`)).ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`Kring did not start: ${stderr}`);
		await new Promise((r) => setTimeout(r, 250));
	}
});

test.afterAll(async () => {
	if (kring && kring.exitCode === null) {
		const exited = new Promise((r) => kring.once('exit', r));
		kring.kill('SIGTERM');
		await exited;
	}
	await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ baseURL, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
	return { context, page: await context.newPage() };
}

/** The newest mail to `to` whose subject matches, once it has arrived. */
async function mailTo(to: string, subject: RegExp, after = 0): Promise<Mail> {
	let found: Mail | undefined;
	await expect
		.poll(() => (found = mails.slice(after).findLast((m) => m.to.includes(to) && subject.test(m.subject))), { timeout: 15_000 })
		.toBeTruthy();
	return found!;
}

function linkIn(mail: Mail, path: string): string {
	const match = mail.text.match(new RegExp(`https?://[^\\s]+${path}/[a-z2-7]{32}`));
	if (!match) throw new Error(`no ${path} link in mail`);
	return match[0];
}

/** axe, and no sideways scrolling at 320 px (then back to the desktop width). */
async function checkPage(page: Page): Promise<void> {
	await expectAccessible(page);
	await page.setViewportSize({ width: 320, height: 800 });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `sideways scroll at 320 px on ${page.url()}`).toBeLessThanOrEqual(0);
	if (process.env.KRING_SCREENSHOTS) {
		const name = new URL(page.url()).pathname.replace(/[^a-z0-9]+/gi, '_');
		await page.screenshot({ path: join(process.env.KRING_SCREENSHOTS, `${name}-320.png`), fullPage: true });
		await page.setViewportSize({ width: 1440, height: 900 });
		await page.screenshot({ path: join(process.env.KRING_SCREENSHOTS, `${name}-1440.png`), fullPage: true });
	}
	await page.setViewportSize({ width: 1280, height: 800 });
}

async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
	await page.goto('/login');
	await page.getByLabel('E-mailadres').fill(email);
	await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Inloggen' }).click();
}

/** Signs in an account without MFA and waits until the header says so. */
async function signInFully(page: Page, email: string, password = PASSWORD): Promise<void> {
	await signIn(page, email, password);
	await expect(page.getByRole('button', { name: 'Uitloggen', exact: true })).toBeVisible();
}

async function signOut(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Uitloggen', exact: true }).click();
	await expect(page).toHaveURL(/\/login\?uitgelogd/);
}

/** A code for the step after the current one: inside the server's drift window, and never a step already used. */
function nextCode(secretText: string, offsetSteps = 1): string {
	const key = decodeBase32IgnorePadding(secretText.replace(/\s/g, ''));
	return generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + offsetSteps), 6);
}

test('password reset by mail: same answer for unknown addresses, a single-use link, all sessions end', async ({ browser }) => {
	const email = ACCOUNTS.doetinchem.email;
	const { context: other, page: otherPage } = await newPage(browser);
	await signIn(otherPage, email);
	await expect(otherPage.getByRole('button', { name: 'Uitloggen', exact: true })).toBeVisible();

	const { context, page } = await newPage(browser);
	await page.goto('/login');
	await page.getByRole('link', { name: 'Wachtwoord vergeten?' }).click();
	await expect(page).toHaveURL(/\/wachtwoord-vergeten$/);
	await checkPage(page);

	// An unknown address gets exactly the same answer, and no mail.
	const before = mails.length;
	await page.getByLabel('E-mailadres').fill('niemand@kring.example');
	await page.getByRole('button', { name: 'Stuur mij een link' }).click();
	const answer = page.getByRole('status');
	await expect(answer).toContainText('Als dit e-mailadres bij Kring bekend is');
	const unknownText = await answer.textContent();

	await page.goto('/wachtwoord-vergeten');
	await page.getByLabel('E-mailadres').fill(email.toUpperCase());
	await page.getByRole('button', { name: 'Stuur mij een link' }).click();
	await expect(page.getByRole('status')).toHaveText(unknownText!);
	const mail = await mailTo(email, /Nieuw wachtwoord/, before);
	expect(mails.slice(before).filter((m) => m.to.includes('niemand'))).toEqual([]);
	const link = linkIn(mail, '/wachtwoord-vergeten');

	await page.goto(link);
	await expect(page.getByRole('heading', { name: 'Nieuw wachtwoord kiezen' })).toBeVisible();
	await checkPage(page);
	await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('doetinchem-nieuw-2026');
	await page.getByLabel('Herhaal nieuw wachtwoord').fill('iets-anders-2026');
	await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
	await expect(page.getByRole('alert')).toContainText('niet gelijk');
	await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('doetinchem-nieuw-2026');
	await page.getByLabel('Herhaal nieuw wachtwoord').fill('doetinchem-nieuw-2026');
	await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
	await expect(page.getByRole('status')).toContainText('Je wachtwoord is gewijzigd');

	// The other browser's session has ended.
	await otherPage.goto('/account');
	await expect(otherPage).toHaveURL(/\/login/);

	// The link works once.
	const reused = await page.goto(link);
	expect(reused?.status()).toBe(400);
	await expect(page.getByText('Deze link is al gebruikt')).toBeVisible();

	// Old password no longer, new password yes.
	await signIn(page, email);
	await expect(page.getByRole('alert')).toContainText('klopt niet');
	await signIn(page, email, 'doetinchem-nieuw-2026');
	await expect(page.getByRole('button', { name: 'Uitloggen', exact: true })).toBeVisible();
	await context.close();
	await other.close();
});

test('MFA: enrolment with the QR key, sign-in with a TOTP code and with a recovery code (once)', async ({ browser }) => {
	const email = ACCOUNTS.arnhem.email;
	const { context, page } = await newPage(browser);
	await signIn(page, email);
	await expect(page.getByRole('button', { name: 'Uitloggen', exact: true })).toBeVisible();
	await page.goto('/account');
	await page.getByRole('link', { name: /Beveiliging/ }).click();
	await expect(page).toHaveURL(/\/account\/beveiliging$/);
	await checkPage(page);
	await page.getByRole('button', { name: 'Tweestapsverificatie instellen' }).click();
	await expect(page.getByRole('img', { name: 'QR-code om Kring aan je app toe te voegen' })).toBeVisible();
	const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
	expect(secret.replace(/\s/g, '')).toMatch(/^[A-Z2-7]{32}$/);
	await checkPage(page);

	await page.getByLabel('Code uit de app').fill('000000');
	await page.getByRole('button', { name: 'Aanzetten' }).click();
	await expect(page.getByRole('alert')).toContainText('Deze code klopt niet');
	await page.getByLabel('Code uit de app').fill(nextCode(secret, 0));
	await page.getByRole('button', { name: 'Aanzetten' }).click();
	await expect(page.getByRole('status')).toContainText('Tweestapsverificatie staat aan');
	const codes = (await page.getByTestId('recovery-codes').locator('li').allTextContents()).map((c) => c.trim());
	expect(codes).toHaveLength(10);
	await checkPage(page);

	// Sign out, sign in: the password alone is not enough.
	await signOut(page);
	await signIn(page, email);
	await expect(page).toHaveURL(/\/login\/tweede-stap$/);
	await expect(page.getByRole('button', { name: 'Uitloggen', exact: true })).toHaveCount(0);
	expect((await context.cookies()).find((c) => c.name === 'session')).toBeUndefined();
	await checkPage(page);
	await page.getByLabel('Code', { exact: true }).fill('123456');
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByRole('alert')).toContainText('Deze code klopt niet');
	await page.getByLabel('Code', { exact: true }).fill(nextCode(secret));
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByRole('button', { name: 'Uitloggen', exact: true })).toBeVisible();

	// With a recovery code instead; it is then used up.
	await signOut(page);
	await signIn(page, email);
	await page.getByLabel('Code', { exact: true }).fill(codes[0]);
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page).toHaveURL(/\/account\/beveiliging\?herstelcode/);
	await expect(page.getByRole('alert')).toContainText('Je hebt er nog 9');
	await signOut(page);
	await signIn(page, email);
	await page.getByLabel('Code', { exact: true }).fill(codes[0]);
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByRole('alert')).toContainText('Deze code klopt niet');
	await page.getByLabel('Code', { exact: true }).fill(codes[1]);
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByRole('button', { name: 'Uitloggen', exact: true })).toBeVisible();
	await context.close();
});

test('devices: the list marks this device and signs out another one', async ({ browser }) => {
	const email = ACCOUNTS.viewer.email;
	const { context: other, page: otherPage } = await newPage(browser);
	await signIn(otherPage, email);
	await expect(otherPage.getByRole('button', { name: 'Uitloggen', exact: true })).toBeVisible();
	const { context, page } = await newPage(browser);
	await signInFully(page, email);
	await page.goto('/account/beveiliging');
	const sessions = page.getByTestId('session');
	await expect(sessions).toHaveCount(2);
	await expect(sessions.first()).toContainText('(dit apparaat)');
	await expect(sessions.first()).toContainText('Chrome op Linux');
	await sessions.nth(1).getByRole('button', { name: 'Uitloggen op dit apparaat' }).click();
	await expect(page.getByRole('status')).toContainText('Dat apparaat is uitgelogd');
	await expect(sessions).toHaveCount(1);
	await otherPage.goto('/account');
	await expect(otherPage).toHaveURL(/\/login/);
	await context.close();
	await other.close();
});

test('e-mail change is confirmed by a link to the new address', async ({ browser }) => {
	const { context, page } = await newPage(browser);
	await signInFully(page, ACCOUNTS.ambassador.email);
	await page.goto('/account');
	await checkPage(page);
	await page.getByLabel('Je naam').fill('Fatma Yılmaz-de Boer');
	await page.getByRole('button', { name: 'Naam opslaan' }).click();
	await expect(page.getByRole('status')).toContainText('Je naam is opgeslagen');
	await page.getByLabel('Eén keer per dag, alles samen').check();
	await page.getByRole('button', { name: 'Opslaan', exact: true }).click();
	await expect(page.getByRole('status')).toContainText('Je keuze voor meldingen is opgeslagen');
	await page.reload();
	await expect(page.getByLabel('Eén keer per dag, alles samen')).toBeChecked();

	const before = mails.length;
	await page.getByLabel('Nieuw e-mailadres').fill('werkgroep@kring.example');
	await page.getByRole('button', { name: 'Stuur bevestiging' }).click();
	await expect(page.getByRole('alert')).toContainText('hoort al bij een ander account');
	await page.getByLabel('Nieuw e-mailadres').fill('fatma@gemeente.example');
	await page.getByRole('button', { name: 'Stuur bevestiging' }).click();
	await expect(page.getByRole('status')).toContainText('fatma@gemeente.example');
	const mail = await mailTo('fatma@gemeente.example', /Bevestig uw nieuwe e-mailadres/, before);
	const link = linkIn(mail, '/e-mail-bevestigen');
	await page.goto(link);
	await checkPage(page);
	await page.getByRole('button', { name: 'Ja, bevestigen' }).click();
	await expect(page.getByRole('status')).toContainText('Je e-mailadres is gewijzigd');
	await mailTo(ACCOUNTS.ambassador.email, /is gewijzigd/, before);
	await signOut(page);
	await signIn(page, 'fatma@gemeente.example');
	await expect(page.getByRole('button', { name: 'Uitloggen', exact: true })).toBeVisible();
	await context.close();
});

test('a region requires MFA: its editor is led through enrolment at sign-in; the instance admin resets it', async ({ browser }) => {
	const { context: admin, page } = await newPage(browser);
	await signInFully(page, ACCOUNTS.admin.email);
	await page.goto('/regios/noord-oost-gelderland');
	const toggle = page.getByLabel('Verplicht voor beheerders en redacteuren');
	await toggle.check();
	await page.getByRole('button', { name: 'Opslaan', exact: true }).click();
	await expect(page.getByRole('alert')).toContainText('Zet eerst zelf tweestapsverificatie aan');

	// The admin enrols first, then requires it.
	await page.goto('/account/beveiliging');
	await page.getByRole('button', { name: 'Tweestapsverificatie instellen' }).click();
	const adminSecret = (await page.getByTestId('mfa-secret').textContent())!.trim();
	await page.getByLabel('Code uit de app').fill(nextCode(adminSecret, 0));
	await page.getByRole('button', { name: 'Aanzetten' }).click();
	await expect(page.getByTestId('recovery-codes')).toBeVisible();
	await page.goto('/regios/noord-oost-gelderland');
	// The region page as a whole is not this file's; its MFA form must pass axe and fit 320 px.
	await expectAccessible(page);
	await page.setViewportSize({ width: 320, height: 800 });
	const form = await page.getByRole('region', { name: 'Tweestapsverificatie' }).boundingBox();
	expect(form!.x + form!.width).toBeLessThanOrEqual(320);
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.getByLabel('Verplicht voor beheerders en redacteuren').check();
	await page.getByRole('button', { name: 'Opslaan', exact: true }).click();
	await expect(page.getByRole('status')).toContainText('nu verplicht');

	// The werkgroeplid (editor of the region) cannot get past enrolment.
	const { context: editor, page: editorPage } = await newPage(browser);
	await signIn(editorPage, ACCOUNTS.editor.email);
	await expect(editorPage).toHaveURL(/\/login\/tweede-stap$/);
	await expect(editorPage.getByRole('heading', { name: 'Tweestapsverificatie instellen' })).toBeVisible();
	await checkPage(editorPage);
	await editorPage.goto('/');
	await expect(editorPage).toHaveURL(/\/login/);
	await editorPage.goto('/login/tweede-stap');
	const secret = (await editorPage.getByTestId('mfa-secret').textContent())!.trim();
	await editorPage.getByLabel('Code uit de app').fill(nextCode(secret, 0));
	await editorPage.getByRole('button', { name: 'Aanzetten' }).click();
	await expect(editorPage.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
	await checkPage(editorPage);
	await editorPage.getByRole('link', { name: 'Verder naar Kring' }).click();
	await expect(editorPage.getByRole('button', { name: 'Uitloggen', exact: true })).toBeVisible();
	await editorPage.goto('/account/beveiliging');
	await expect(editorPage.getByText('Je kunt het daarom niet uitzetten')).toBeVisible();

	// The instance admin resets the editor's MFA; others get 403.
	await page.goto('/beheer/mfa');
	await checkPage(page);
	await page.getByLabel('E-mailadres van de persoon').fill('niemand@kring.example');
	await page.getByRole('button', { name: 'Tweestapsverificatie uitzetten' }).click();
	await expect(page.getByRole('alert')).toContainText('geen account');
	await page.getByLabel('E-mailadres van de persoon').fill(ACCOUNTS.editor.email);
	await page.getByRole('button', { name: 'Tweestapsverificatie uitzetten' }).click();
	await expect(page.getByRole('status')).toContainText('Joris van Dam');
	const forbidden = await editorPage.goto('/beheer/mfa');
	expect(forbidden?.status()).toBe(403);
	const post = await editorPage.request.post('/beheer/mfa?/resetMfa', {
		form: { email: ACCOUNTS.admin.email },
		headers: { Origin: baseURL },
		failOnStatusCode: false
	});
	// SvelteKit answers a scripted action call with its result as JSON: a failure with status 403.
	expect(await post.json()).toMatchObject({ type: 'failure', status: 403 });
	const html = await editorPage.request.post('/beheer/mfa?/resetMfa', {
		form: { email: ACCOUNTS.admin.email },
		headers: { Origin: baseURL, Accept: 'text/html' },
		failOnStatusCode: false
	});
	expect(html.status()).toBe(403);
	// and the admin still needs the code
	await page.goto('/account/beveiliging');
	await expect(page.getByText('Tweestapsverificatie staat aan sinds')).toBeVisible();
	await admin.close();
	await editor.close();
});

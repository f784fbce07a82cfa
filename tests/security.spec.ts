import { expect, test } from '@playwright/test';
import { expectAccessible, login, PASSWORD } from './fixtures.ts';

// These tests lock an account for a moment or change its password, so they run
// after all other browser tests (see the 'security' project in playwright.config.ts).

test('20 wrong passwords throttle the account; after the window the right password from another browser works', async ({
	page,
	browser,
	baseURL
}) => {
	test.setTimeout(90_000);
	const email = 'doetinchem@kring.example';
	const attempt = async (password: string) => {
		const response = await page.request.post('/login', {
			form: { email, password },
			headers: { Origin: baseURL!, Accept: 'application/json' },
			failOnStatusCode: false
		});
		return (await response.text()).match(/Te veel pogingen.*?over (\d+) seconden/)?.[1];
	};
	let throttledAt = -1;
	for (let i = 0; i < 20; i++) {
		if ((await attempt(`fout-${i}-wachtwoord`)) !== undefined && throttledAt < 0) throttledAt = i;
	}
	// A few free failures, then the back-off: well before the 20th attempt.
	expect(throttledAt).toBeGreaterThan(3);
	expect(throttledAt).toBeLessThan(20);

	// While throttled, even the right password is not checked — also not in the
	// real form. Fill the form first, then wait for a lock with at least three
	// seconds left (the shown seconds are rounded up, and a busy machine may take
	// a second to submit), then submit at once. A lock that is about to end is
	// waited out: the next wrong password then sets a longer one.
	await page.goto('/login');
	await page.getByLabel('E-mailadres').fill(email);
	await page.getByLabel('Wachtwoord').fill(PASSWORD);
	let seconds: string | undefined;
	for (let i = 0; i < 60 && !(seconds && Number(seconds) >= 3); i++) {
		seconds = await attempt(`nog-fout-${i}`);
		if (seconds && Number(seconds) < 3) await page.waitForTimeout(250);
	}
	expect(Number(seconds)).toBeGreaterThanOrEqual(3);
	await page.getByRole('button', { name: 'Inloggen' }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('Te veel pogingen');
	const remaining = Number((await alert.textContent())?.match(/(\d+) seconden/)?.[1] ?? 60);

	await page.waitForTimeout((remaining + 1) * 1000);
	const other = await browser.newContext();
	const otherPage = await other.newPage();
	await otherPage.goto('/login');
	await otherPage.getByLabel('E-mailadres').fill(email);
	await otherPage.getByLabel('Wachtwoord').fill(PASSWORD);
	await otherPage.getByRole('button', { name: 'Inloggen' }).click();
	await expect(otherPage.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
	await other.close();
});

test('the account page changes the password and ends other sessions', async ({ page, browser }) => {
	// Use the ambassador account and restore its password afterwards, so other tests keep working.
	const other = await browser.newContext();
	const otherPage = await other.newPage();
	await login(otherPage, 'ambassador');
	await login(page, 'ambassador');
	await page.goto('/account');
	await expectAccessible(page);
	await page.getByLabel('Huidig wachtwoord').fill(PASSWORD);
	await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('een-nieuw-wachtwoord');
	await page.getByLabel('Herhaal nieuw wachtwoord').fill('een-nieuw-wachtwoord');
	await page.getByRole('button', { name: 'Wachtwoord wijzigen' }).click();
	await expect(page.getByRole('status')).toContainText('Je wachtwoord is gewijzigd');
	await otherPage.goto('/account');
	await expect(otherPage).toHaveURL(/\/login/);
	// restore
	await page.getByLabel('Huidig wachtwoord').fill('een-nieuw-wachtwoord');
	await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(PASSWORD);
	await page.getByLabel('Herhaal nieuw wachtwoord').fill(PASSWORD);
	await page.getByRole('button', { name: 'Wachtwoord wijzigen' }).click();
	await expect(page.getByRole('status')).toContainText('Je wachtwoord is gewijzigd');
	await other.close();
});

test('120 simultaneous wrong passwords for one account reach the password check only a few times', async ({ playwright, baseURL }) => {
	const api = await playwright.request.newContext({ baseURL });
	const email = 'werkgroep-aanval@kring.example';
	const started = Date.now();
	const answers = await Promise.all(
		Array.from({ length: 120 }, (_, i) =>
			api.post('/login', {
				form: { email, password: `parallel-fout-${i}` },
				headers: { Origin: baseURL!, Accept: 'application/json' },
				failOnStatusCode: false
			})
		)
	);
	const bodies = await Promise.all(answers.map((a) => a.text()));
	const checked = bodies.filter((b) => b.includes('klopt niet')).length;
	const throttled = bodies.filter((b) => b.includes('Te veel pogingen')).length;
	expect(checked + throttled).toBe(120);
	// The free failures of the account's policy (5), not 64–100 — plus one per
	// back-off window that ran out while the 120 requests were still arriving
	// (2 s, 4 s, 8 s … with LOGIN_THROTTLE_BASE_SECONDS=2).
	const windows = Math.ceil(Math.log2((Date.now() - started) / 2000 + 1));
	expect(checked).toBeLessThanOrEqual(5 + windows);
	expect(checked).toBeLessThan(10);
	await api.dispose();
});

test('after an attack on the account, its owner signs in from the browser they used before', async ({ browser, playwright, baseURL }) => {
	const owner = await browser.newContext();
	const ownerPage = await owner.newPage();
	// Noor (Doetinchem) signs in once on this browser, then signs out.
	await login(ownerPage, 'doetinchem');
	await ownerPage.getByRole('button', { name: 'Uitloggen' }).click();
	await expect(ownerPage).toHaveURL(/\/login/);

	const attacker = await playwright.request.newContext({ baseURL });
	for (let i = 0; i < 15; i++) {
		await attacker.post('/login', {
			form: { email: 'doetinchem@kring.example', password: `aanval-${i}` },
			headers: { Origin: baseURL!, Accept: 'application/json' },
			failOnStatusCode: false
		});
	}
	const locked = await attacker.post('/login', {
		form: { email: 'doetinchem@kring.example', password: PASSWORD },
		headers: { Origin: baseURL!, Accept: 'application/json' },
		failOnStatusCode: false
	});
	expect(await locked.text(), 'a stranger, even with the right password, is held back').toContain('Te veel pogingen');

	await login(ownerPage, 'doetinchem');
	await owner.close();
	await attacker.dispose();
});

test('after sign-in, a redirect target that leaves the site lands on /', async ({ browser, baseURL }) => {
	const payloads = ['/\t/evil.example', '/\\evil.example', '//evil.example', '/%09/evil.example', '/\n/evil.example', 'https://evil.example', '/%5Cevil.example'];
	const context = await browser.newContext();
	const page = await context.newPage();
	for (const [i, payload] of payloads.entries()) {
		if (i === 0) {
			await page.goto(`/login?redirectTo=${encodeURIComponent(payload)}`);
			await page.getByLabel('E-mailadres').fill('lezer@kring.example');
			await page.getByLabel('Wachtwoord').fill(PASSWORD);
			await page.getByRole('button', { name: 'Inloggen' }).click();
		} else {
			// Signed in already: the login page sends a signed-in user on at once.
			await page.goto(`/login?redirectTo=${encodeURIComponent(payload)}`);
		}
		await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
		expect(new URL(page.url()).origin, payload).toBe(baseURL);
	}
	await context.close();
});

test("a plan's event stream ends within 5 s of signing out", async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, 'viewer');
	const { plans } = (await (await page.request.get('/api/plans')).json()) as { plans: { id: string }[] };
	// Read the stream in the page, as the plan page's EventSource does, and note when it ends.
	await page.evaluate(async (planId) => {
		const response = await fetch(`/api/plans/${planId}/events`);
		const reader = response.body!.getReader();
		(window as unknown as { streamEnded: Promise<number> }).streamEnded = (async () => {
			for (;;) if ((await reader.read()).done) return Date.now();
		})();
	}, plans[0].id);
	const signedOut = Date.now();
	await page.request.post('/logout', { form: {}, headers: { Origin: new URL(page.url()).origin }, maxRedirects: 0 });
	const ended = await page.evaluate(() => (window as unknown as { streamEnded: Promise<number> }).streamEnded);
	expect(ended - signedOut).toBeLessThan(5000);
	await context.close();
});

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
	// real form. Fill the form first, then wait for a fresh lock of at least two
	// seconds (timing on a busy machine varies), then submit at once.
	await page.goto('/login');
	await page.getByLabel('E-mailadres').fill(email);
	await page.getByLabel('Wachtwoord').fill(PASSWORD);
	let seconds: string | undefined;
	for (let i = 0; i < 10 && !(seconds && Number(seconds) >= 2); i++) seconds = await attempt(`nog-fout-${i}`);
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

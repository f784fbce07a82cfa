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
	let throttled = false;
	for (let i = 0; i < 20; i++) {
		const response = await page.request.post('/login', {
			form: { email, password: `fout-${i}-wachtwoord` },
			headers: { Origin: baseURL!, Accept: 'application/json' },
			failOnStatusCode: false
		});
		if ((await response.text()).includes('Te veel pogingen')) throttled = true;
	}
	expect(throttled).toBe(true);

	// The real form shows the throttle message too, without revealing anything else.
	await page.goto('/login');
	await page.getByLabel('E-mailadres').fill(email);
	await page.getByLabel('Wachtwoord').fill(PASSWORD);
	await page.getByRole('button', { name: 'Inloggen' }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('Te veel pogingen');
	const seconds = Number((await alert.textContent())?.match(/(\d+) seconden/)?.[1] ?? 60);

	await page.waitForTimeout((seconds + 1) * 1000);
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

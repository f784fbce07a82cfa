import { expect, test } from '@playwright/test';
import { ACCOUNTS, expectAccessible, login, PASSWORD, type AccountName } from './fixtures.ts';

test('the login page is accessible', async ({ page }) => {
	await page.goto('/login');
	await expect(page.getByRole('heading', { name: 'Inloggen' })).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
	await expectAccessible(page);
});

test('a visitor without a session is sent to the login page', async ({ page }) => {
	await page.goto('/account');
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Faccount/);
});

for (const account of Object.keys(ACCOUNTS) as AccountName[]) {
	test(`${account} logs in and out`, async ({ page }) => {
		await login(page, account);
		await expect(page.getByRole('heading', { level: 1 })).toContainText(ACCOUNTS[account].name);
		const cookie = (await page.context().cookies()).find((c) => c.name === 'session');
		expect(cookie?.httpOnly).toBe(true);
		expect(cookie?.sameSite).toBe('Lax');
		await expectAccessible(page);
		await page.getByRole('button', { name: 'Uitloggen' }).click();
		await expect(page.getByText('Je bent uitgelogd.')).toBeVisible();
		await page.goto('/');
		await expect(page).toHaveURL(/\/login$/);
	});
}

test('a wrong password is refused with a message that does not say which part was wrong', async ({ page }) => {
	await login(page, 'viewer').catch(() => {});
	await page.context().clearCookies();
	await page.goto('/login');
	await page.getByLabel('E-mailadres').fill(ACCOUNTS.editor.email);
	await page.getByLabel('Wachtwoord').fill('dit-is-niet-goed');
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByRole('alert')).toHaveText('Het e-mailadres of het wachtwoord klopt niet.');
	await expectAccessible(page);
});

test('an unknown e-mail address gets the same message as a wrong password', async ({ page }) => {
	await page.goto('/login');
	await page.getByLabel('E-mailadres').fill('niemand@kring.example');
	await page.getByLabel('Wachtwoord').fill('dit-is-niet-goed');
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByRole('alert')).toHaveText('Het e-mailadres of het wachtwoord klopt niet.');
});

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

test('an unknown page shows a Dutch 404 page', async ({ page }) => {
	await login(page, 'viewer');
	const response = await page.goto('/bestaat-niet');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { name: 'Pagina niet gevonden' })).toBeVisible();
	await expectAccessible(page);
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

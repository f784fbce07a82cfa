import { expect, test } from '@playwright/test';
import { ACCOUNTS, expectAccessible, login, type AccountName } from './fixtures.ts';

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

test('an unknown page shows a Dutch 404 page', async ({ page }) => {
	await login(page, 'viewer');
	const response = await page.goto('/bestaat-niet');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { name: 'Pagina niet gevonden' })).toBeVisible();
	await expectAccessible(page);
});

test('malformed login input gets a Dutch message and status 400, never a 500', async ({ request, baseURL }) => {
	const forms: Record<string, string>[] = [{}, { email: 'geen-adres', password: 'x' }, { email: `${'a'.repeat(300)}@kring.example`, password: 'x' }, { email: 'a@kring.example', password: '' }];
	for (const form of forms) {
		const response = await request.post('/login', { form, headers: { Origin: baseURL!, Accept: 'application/json' } });
		const body = await response.json();
		expect(body.status).toBe(400);
		expect(JSON.stringify(body.data)).toMatch(/Vul|te lang|klopt niet/);
	}
});

test('pages carry the security headers', async ({ request }) => {
	const response = await request.get('/login');
	const headers = response.headers();
	expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
	expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
});

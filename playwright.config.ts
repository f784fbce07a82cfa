import { defineConfig } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Browser tests run against the built app (`npm run build` first; `npm test`
 * does that), served by server/index.ts on a free port with a temporary
 * database. scripts/test.mjs picks the port and the folder.
 */
const port = Number(process.env.KRING_TEST_PORT ?? 4173);
// Without scripts/test.mjs: a fresh database per run (only the main process starts the server).
const databasePath = process.env.KRING_TEST_DB ?? join(tmpdir(), `kring-e2e-${port}-${Date.now()}`, 'kring.db');
const baseURL = `http://localhost:${port}`;

export default defineConfig({
	testDir: 'tests',
	projects: [
		{ name: 'main', testMatch: '**/*.spec.ts', testIgnore: ['**/security.spec.ts', '**/reviews.spec.ts'] },
		// Opening an evaluation sends reminders to the werkgroep's inbox, whose unread count the thread test counts.
		{ name: 'reviews', testMatch: '**/reviews.spec.ts', dependencies: ['main'] },
		// Locks and password changes of demo accounts (not those the evaluation uses): only after the main tests.
		{ name: 'security', testMatch: '**/security.spec.ts', dependencies: ['main'] }
	],
	fullyParallel: false,
	workers: 2,
	// One retry in CI only: a 2-core machine under load can miss a live-update deadline once.
	retries: process.env.CI ? 1 : 0,
	timeout: 45_000,
	expect: { timeout: 7_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL,
		locale: 'nl-NL',
		timezoneId: 'Europe/Amsterdam',
		trace: 'retain-on-failure',
		// Kring's service worker (docs/offline.md) stays out of tests that count requests or read headers; tests/offline.spec.ts allows it.
		serviceWorkers: 'block',
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	webServer: {
		command: 'node --import tsx server/index.ts',
		url: `${baseURL}/healthz`,
		reuseExistingServer: false,
		timeout: 60_000,
		stdout: 'ignore',
		stderr: 'pipe',
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			// No ORIGIN: the tests run Kring as the README starts it.
			DATABASE_PATH: databasePath,
			LOGIN_THROTTLE_BASE_SECONDS: '2',
			// tests/history.spec.ts edits a card in two sessions a few seconds apart
			HISTORY_SESSION_GAP_MS: process.env.HISTORY_SESSION_GAP_MS ?? '2000',
			LOG_LEVEL: 'warn'
		}
	}
});

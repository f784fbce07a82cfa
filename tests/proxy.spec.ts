import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHealth } from './server-process.ts';

/**
 * Behind a reverse proxy every request comes from the proxy's address. With
 * ADDRESS_HEADER=x-forwarded-for and XFF_DEPTH=1 (docs/nginx.conf.example),
 * the login throttle counts per real client: this spec starts its own Kring
 * configured that way and signs in wrongly from two forwarded addresses.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** the address throttle's free failures (server/app.ts: throttle.address.freeFailures) */
const FREE_FAILURES = 50;

let server: ChildProcess | undefined;
let dir: string;
let base: string;

/** A failed sign-in (unknown address, so only the client address is counted twice) as the proxy forwards it. */
async function failedLogin(forwardedFor: string, email: string): Promise<number> {
	const response = await fetch(`${base}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			origin: base,
			'x-forwarded-for': forwardedFor,
			'x-forwarded-proto': 'http',
			// SvelteKit's form-action protocol (as use:enhance sends it): the answer says the action's status
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		body: new URLSearchParams({ email, password: 'dit is niet het wachtwoord' })
	});
	const text = await response.text();
	try {
		const result = JSON.parse(text) as { type: string; status?: number };
		return result.status ?? (result.type === 'redirect' ? 303 : response.status);
	} catch {
		return response.status;
	}
}

test.describe('behind a reverse proxy', () => {
	test.describe.configure({ mode: 'serial' });

	test.beforeAll(async () => {
		test.setTimeout(120_000);
		dir = mkdtempSync(join(tmpdir(), 'kring-proxy-e2e-'));
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		const env: NodeJS.ProcessEnv = {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATABASE_PATH: join(dir, 'kring.db'),
			DEMO_DATA: 'false',
			LOG_LEVEL: 'warn',
			ADDRESS_HEADER: 'x-forwarded-for',
			XFF_DEPTH: '1',
			LOGIN_THROTTLE_BASE_SECONDS: '60'
		};
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

	test('the login throttle keys on the forwarded client address, not on the proxy', async () => {
		test.setTimeout(120_000);
		const first = '203.0.113.7';
		const second = '198.51.100.9';
		for (let i = 0; i < FREE_FAILURES; i++) {
			expect(await failedLogin(first, `iemand${i}@example.test`), `failure ${i + 1} from ${first}`).toBe(400);
		}
		// the same client, with yet another e-mail address: its address is throttled
		expect(await failedLogin(first, 'nog-iemand@example.test')).toBe(429);
		// another client behind the same proxy has its own bucket
		expect(await failedLogin(second, 'ander@example.test')).toBe(400);
		// a client cannot escape by putting an address of its own in front: with XFF_DEPTH=1 the address the proxy appended counts
		expect(await failedLogin(`${second}, ${first}`, 'vermomd@example.test')).toBe(429);
		expect(await failedLogin(`${first}, ${second}`, 'ander2@example.test')).toBe(400);
	});
});

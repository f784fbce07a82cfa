#!/usr/bin/env node
/**
 * `npm test`: every check in one command, failing when any fails.
 *   1. the dependency check (scripts/check-deps.mjs) and svelte-check (types of the app, server and tests)
 *   2. Vitest (unit and integration tests beside the code), then the *.pg-test.ts files against a real PostgreSQL
 *   3. vite build, then Playwright against the built server on a free port
 *      with a temporary database, in Debian's Chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(title, command, args, env = {}) {
	console.log(`\n▶ ${title}`);
	const started = Date.now();
	const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	if (result.status !== 0) {
		console.error(`✖ ${title} failed (${seconds} s)`);
		process.exit(result.status ?? 1);
	}
	console.log(`✔ ${title} (${seconds} s)`);
}

function ensureChromium() {
	if (existsSync(CHROMIUM)) return;
	if (process.getuid?.() === 0) {
		run('installing Debian chromium', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium']);
		if (existsSync(CHROMIUM)) return;
	}
	console.error(
		`Chromium not found at ${CHROMIUM}. Playwright cannot download browsers here; install Debian's package:\n` +
			'  sudo apt-get update && sudo apt-get install -y chromium\n' +
			'or point CHROMIUM_PATH at a Chromium binary.'
	);
	process.exit(1);
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const only = process.argv[2];
ensureChromium();
// package-lock.json must match package.json, or `npm ci` (CI, the Dockerfile, a host's install) refuses it.
// --dry-run checks that without touching node_modules (a few seconds).
if (!only || only === 'check') run('lock file matches package.json', 'npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']);
// Generated code first (the message catalogue and SvelteKit's types), as `npm install` does.
if (!only || only === 'check') run('generate', 'npm', ['run', 'prepare', '--silent']);
if (!only || only === 'check') run('dependencies (known vulnerabilities)', 'node', ['scripts/check-deps.mjs']);
if (!only || only === 'check') run('svelte-check', 'npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings']);
if (!only || only === 'unit') run('vitest', 'npx', ['vitest', 'run']);
// the same promises on PostgreSQL (issue 18): each *.pg-test.ts file starts its own PostgreSQL 15
// from /usr/lib/postgresql/15/bin on a unix socket; they are skipped, saying why, where it is missing
if (!only || only === 'unit' || only === 'pg') run('vitest on PostgreSQL', 'npx', ['vitest', 'run', '--config', 'vitest.pg.config.ts']);
// the domain and collaboration suites once more, each test on a fresh PostgreSQL database (server/testing/postgres-test-db.ts);
// the collaboration files that test SQLite itself (its store, WAL checkpoints, a restart on the file) are left out
if ((!only || only === 'unit' || only === 'pg') && existsSync(join(process.env.KRING_PG_BIN ?? '/usr/lib/postgresql/15/bin', 'postgres'))) {
	run('domain and collaboration suites on PostgreSQL', 'npm', ['run', '--silent', 'test:pg:domain']);
}
if (!only || only === 'e2e') {
	run('build', 'npx', ['vite', 'build', '--logLevel', 'warn']);
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'kring-e2e-'));
	try {
		run('playwright', 'npx', ['playwright', 'test', ...process.argv.slice(3)], {
			KRING_TEST_PORT: String(port),
			KRING_TEST_DB: join(dir, 'kring.db')
		});
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
console.log('\nAll tests passed.');

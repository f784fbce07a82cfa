/**
 * `npm run bench:plan` — issue 4's speed budget for the plan page:
 *   - server render of a plan with 300 actions: p50 < 30 ms
 *   - JavaScript shipped to the plan page: < 150 KB gzip
 * Builds a temporary database (demo data + a synthetic 300-action plan),
 * starts the built server (`npm run build` first) on a free port, signs in,
 * and times GET /plannen/<id> sequentially. Writes its section of
 * docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEMO_DIR, MIGRATIONS_DIR } from '../../server/app.ts';
import { writeInitialState } from '../../server/collab/store.ts';
import { openDatabase } from '../../src/lib/server/db.ts';
import { seedDemo } from '../../src/lib/server/demo.ts';
import { migrateToLatest } from '../../src/lib/server/migrate.ts';
import { createAction, createTheme } from '../../src/lib/server/plan.ts';

const ACTIONS = 300;
const WARMUP = 20;
const RUNS = 200;

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const dir = mkdtempSync(join(tmpdir(), 'kring-bench-plan-'));
const dbPath = join(dir, 'kring.db');
const { db, sqlite } = openDatabase(dbPath);
await migrateToLatest(db, MIGRATIONS_DIR);
const write = (name: string, update: Uint8Array) => void writeInitialState(sqlite, name, update);
await seedDemo(db, DEMO_DIR, write);
const base = await db.selectFrom('plans').select(['id']).where('slug', '=', 'noord-oost-gelderland-uitvoeringsagenda-2024-2028').executeTakeFirstOrThrow();
const chapter = await db.selectFrom('chapters').select('id').where('plan_id', '=', base.id).executeTakeFirstOrThrow();
// Grow the NOG plan to 300 actions across 15 extra themes.
const existing = Number((await db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n')).where('plan_id', '=', base.id).executeTakeFirstOrThrow()).n);
const themeIds: string[] = [];
for (let i = 0; i < 15; i++) themeIds.push(await createTheme(db, { planId: base.id, chapterId: chapter.id, title: `Benchmarkthema ${i + 1}` }, write));
for (let i = existing; i < ACTIONS; i++) {
	await createAction(db, { planId: base.id, themeId: themeIds[i % themeIds.length], level: i % 2 ? 'local' : 'regional', title: `Benchmarkactie ${i + 1} met een titel van gewone lengte` }, write);
}
await db.destroy();

const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
if (!existsSync('build/handler.js')) throw new Error('run `npm run build` first');
const server = spawn('node', [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'server/index.ts'], {
	env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: origin, DATABASE_PATH: dbPath, LOG_LEVEL: 'error' },
	stdio: ['ignore', 'ignore', 'inherit']
});
try {
	for (let i = 0; i < 100; i++) {
		try {
			if ((await fetch(`${origin}/healthz`)).ok) break;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	const url = `${origin}/plannen/${base.id}`;
	async function measure(email: string) {
		const login = await fetch(`${origin}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
			body: `email=${encodeURIComponent(email)}&password=samen-veilig-2026`
		});
		const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
		const times: number[] = [];
		let html = '';
		for (let i = 0; i < WARMUP + RUNS; i++) {
			const started = performance.now();
			const response = await fetch(url, { headers: { cookie } });
			html = await response.text();
			if (!response.ok) throw new Error(`plan page answered ${response.status}`);
			if (i >= WARMUP) times.push(performance.now() - started);
		}
		times.sort((a, b) => a - b);
		return { html, p50: percentile(times, 50), p99: percentile(times, 99), cookie };
	}
	const editor = await measure('werkgroep@kring.example');
	const viewer = await measure('lezer@kring.example');
	const { html, p50, p99 } = editor;
	const actionLinks = (html.match(/kring-action-line__title/g) ?? []).length;
	const htmlGzip = gzipSync(Buffer.from(html)).length;

	// JavaScript as a browser really loads it: every script response of the page, gzipped.
	const { chromium } = await import('playwright-core');
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
	const context = await browser.newContext();
	await context.addCookies([{ name: 'session', value: editor.cookie.split('=')[1], url: origin }]);
	const page = await context.newPage();
	const bodies: Promise<Buffer>[] = [];
	page.on('response', (response) => {
		if (response.request().resourceType() === 'script') bodies.push(response.body());
	});
	await page.goto(url, { waitUntil: 'load' });
	await page.waitForTimeout(1500);
	let gzipBytes = 0;
	let rawBytes = 0;
	for (const body of await Promise.all(bodies)) {
		rawBytes += body.length;
		gzipBytes += gzipSync(body, { level: 9 }).length;
	}
	const scripts = { size: bodies.length };
	await browser.close();
	const result = [
		'## Plan page (issue 4)',
		'',
		`Command: \`npm run build && npm run bench:plan\`. Plan: Noord-Oost Gelderland agenda grown to ${actionLinks} actions; ${RUNS} sequential GETs after ${WARMUP} warm-up, signed in as the werkgroep user (edit controls on every action), over loopback (includes HTTP, session check, the outline queries and SSR). JavaScript: every script response of the page loaded in Chromium, gzip -9.`,
		'',
		'| figure | value | budget |',
		'| --- | --- | --- |',
		`| server render p50 | ${p50.toFixed(1)} ms | < 30 ms |`,
		`| server render p99 | ${p99.toFixed(1)} ms | — |`,
		`| server render p50 / p99 as a reader (no edit controls) | ${viewer.p50.toFixed(1)} / ${viewer.p99.toFixed(1)} ms | — |`,
		`| JavaScript shipped to the plan page | ${(gzipBytes / 1024).toFixed(1)} KB gzip (${(rawBytes / 1024).toFixed(0)} KB raw, ${scripts.size} files) | < 150 KB gzip |`,
		`| HTML of the page | ${(htmlGzip / 1024).toFixed(1)} KB gzip | — |`,
		'',
		`Measured ${new Date().toISOString().slice(0, 10)} on this 2-core machine (node ${process.version}).`,
		''
	].join('\n');
	console.log(result);
	const docPath = 'docs/benchmarks.md';
	let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n\n';
	const start = doc.indexOf('## Plan page (issue 4)');
	if (start >= 0) {
		const next = doc.indexOf('\n## ', start + 5);
		doc = doc.slice(0, start) + (next >= 0 ? doc.slice(next + 1) : '');
	}
	writeFileSync(docPath, doc.trimEnd() + '\n\n' + result);
} finally {
	server.kill('SIGTERM');
	await new Promise((r) => server.once('exit', r));
	rmSync(dir, { recursive: true, force: true });
}

/**
 * `npm run bench:plan` — issue 4's speed budget for the plan page:
 *   - server render of a plan with 300 actions: p50 < 30 ms
 *   - JavaScript shipped to the plan page: < 150 KB gzip
 * Builds a temporary database (demo data + a synthetic 300-action plan),
 * starts the built server (`npm run build` first) on a free port, signs in,
 * and times GET /plannen/<id> sequentially. Writes its section of
 * docs/benchmarks.md.
 */
import { gzipSync } from 'node:zlib';
import { demoDatabase, growNogPlan, percentile, startServer, writeSection } from '../lib/harness.ts';

const ACTIONS = 300;
const WARMUP = 20;
const RUNS = 200;

const bench = await demoDatabase('plan');
const base = { id: (await growNogPlan(bench, ACTIONS)).planId };
await bench.db.destroy();
const server = await startServer(bench);
const { origin } = server;
try {
	const url = `${origin}/plannen/${base.id}`;
	async function measure(email: string) {
		const cookie = await server.signIn(email);
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
	writeSection('## Plan page (issue 4)', result);
} finally {
	await server.stop();
}

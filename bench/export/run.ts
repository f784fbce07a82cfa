/**
 * `npm run build && node --import tsx bench/export/run.ts` — issue 14's budget:
 * a plan of 300 actions exports in under 5 s. Builds a temporary database
 * (demo data + the Noord-Oost Gelderland agenda grown to 300 actions, every
 * card field filled with a paragraph and a list), starts the built server
 * (KRING_BUILD_DIR when set) on a free port, signs in as the reader and times
 * GET plan.docx, plan.xlsx and plan.pdf sequentially. Writes its section of
 * docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import * as Y from 'yjs';
import { demoDatabase, growNogPlan, PASSWORD, writeSection } from '../lib/harness.ts';
import { writeBlocks } from '../../src/lib/server/rich-text.ts';

const ACTIONS = 300;
const RUNS = 3;
const buildDir = process.env.KRING_BUILD_DIR ? resolve(process.env.KRING_BUILD_DIR, 'build') : resolve('build');
if (!existsSync(join(buildDir, 'handler.js'))) throw new Error(`no built app in ${buildDir}: run the build first`);

const FIELDS = ['current_state', 'description', 'intended_result', 'regional_cooperation', 'who', 'cost_notes'];
const bench = await demoDatabase('export');
/** Every new card gets text in every field, as a real agenda has (about 120 words a card). */
const write = (name: string, update: Uint8Array) => {
	if (!name.startsWith('action:')) return bench.write(name, update);
	const doc = new Y.Doc();
	Y.applyUpdate(doc, update);
	for (const key of FIELDS)
		writeBlocks(doc.getXmlFragment(key), [
			{ type: 'paragraph', text: 'We versterken de samenwerking tussen het lokale team, Veilig Thuis en de **politie**, zodat signalen eerder worden opgepakt.' },
			{ type: 'bulletList', items: ['casusoverleg elke maand', 'scholing voor professionals'] }
		]);
	bench.write(name, Y.encodeStateAsUpdate(doc));
	doc.destroy();
};
const { planId } = await growNogPlan({ ...bench, write }, ACTIONS);
await bench.db.updateTable('actions').set({ cost_amount: 155000, planning_start: '2025-01', planning_end: '2026-12' }).where('plan_id', '=', planId).where('cost_amount', 'is', null).execute();
const total = Number((await bench.db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n')).where('plan_id', '=', planId).executeTakeFirstOrThrow()).n);
await bench.db.destroy();

const port = await new Promise<number>((done) => {
	const s = createServer().listen(0, '127.0.0.1', () => {
		const p = (s.address() as { port: number }).port;
		s.close(() => done(p));
	});
});
const origin = `http://127.0.0.1:${port}`;
const child = spawn('node', ['--import', 'tsx', 'server/index.ts'], {
	env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: origin, DATABASE_PATH: bench.path, LOG_LEVEL: 'error' },
	stdio: ['ignore', 'ignore', 'inherit']
});
try {
	for (let i = 0; i < 300; i++) {
		try {
			if ((await fetch(`${origin}/healthz`)).ok) break;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	const login = await fetch(`${origin}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
		body: `email=${encodeURIComponent('lezer@kring.example')}&password=${PASSWORD}`
	});
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	if (!cookie.startsWith('session=')) throw new Error('sign-in failed');
	const rows: string[] = [];
	for (const file of ['plan.docx', 'plan.xlsx', 'plan.pdf']) {
		const times: number[] = [];
		let bytes = Buffer.alloc(0);
		for (let i = 0; i < RUNS + 1; i++) {
			const started = performance.now();
			const response = await fetch(`${origin}/plannen/${planId}/export/${file}`, { headers: { cookie } });
			bytes = Buffer.from(await response.arrayBuffer());
			if (!response.ok) throw new Error(`${file} answered ${response.status}: ${bytes.toString('utf8').slice(0, 200)}`);
			if (i > 0) times.push(performance.now() - started); // the first run warms the code paths
		}
		times.sort((a, b) => a - b);
		let extra = '';
		if (file.endsWith('.pdf')) {
			const path = join(bench.dir, file);
			writeFileSync(path, bytes);
			extra = `, ${/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))?.[1]} pages`;
		}
		rows.push(`| ${file} | ${(times[Math.floor(times.length / 2)] / 1000).toFixed(2)} s | ${(times[times.length - 1] / 1000).toFixed(2)} s | ${(bytes.length / 1024).toFixed(0)} KB${extra} | < 5 s |`);
	}
	const result = [
		'## Document exports (issue 14)',
		'',
		`Command: \`KRING_BUILD_DIR=.builds/export npx vite build && KRING_BUILD_DIR=.builds/export node --import tsx bench/export/run.ts\` (or \`npm run build\` and no KRING_BUILD_DIR). Plan: Noord-Oost Gelderland agenda grown to ${total} actions over 22 themes, every card field of the new actions filled (a paragraph with bold and a two-item list), costs and planning set. ${RUNS} sequential GETs per file after one warm-up, signed in as the reader, over loopback: rights, reading every Yjs document, building the plan model, rendering and (PDF) printing in the Chromium kept warm after the first print (a cold start adds about 0.5 s).`,
		'',
		'| file | median | slowest | size | budget |',
		'| --- | --- | --- | --- | --- |',
		...rows,
		'',
		`Measured ${new Date().toISOString().slice(0, 10)} on this 2-core machine, shared with other work (node ${process.version}).`,
		''
	].join('\n');
	console.log(result);
	writeSection('## Document exports (issue 14)', result);
} finally {
	child.kill('SIGTERM');
	await new Promise((r) => child.once('exit', r));
	rmSync(bench.dir, { recursive: true, force: true });
}

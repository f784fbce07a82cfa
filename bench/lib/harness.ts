/**
 * What the page benchmarks (bench/plan, bench/board, bench/session) share: a
 * temporary database with the demo data, the built server on a free port,
 * signing in, percentiles, Server-Sent-Event streams and writing a section
 * of docs/benchmarks.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_DIR, MIGRATIONS_DIR } from '../../server/app.ts';
import { writeInitialState } from '../../server/collab/store.ts';
import { openDatabase, type OpenedDatabase } from '../../src/lib/server/db.ts';
import { seedDemo } from '../../src/lib/server/demo.ts';
import { migrateToLatest } from '../../src/lib/server/migrate.ts';
import { createAction, createTheme } from '../../src/lib/server/plan.ts';

export const PASSWORD = 'samen-veilig-2026';
export const NOG_SLUG = 'noord-oost-gelderland-uitvoeringsagenda-2024-2028';

export function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}

export interface BenchDatabase extends OpenedDatabase {
	dir: string;
	path: string;
	/** stores a new document's first state, as the server would */
	write: (name: string, update: Uint8Array) => void;
}

/** A fresh temporary database, migrated and filled with the demo data. Close it (db.destroy()) before starting the server. */
export async function demoDatabase(name: string): Promise<BenchDatabase> {
	const dir = mkdtempSync(join(tmpdir(), `kring-bench-${name}-`));
	const path = join(dir, 'kring.db');
	const opened = openDatabase(path);
	await migrateToLatest(opened.db, MIGRATIONS_DIR);
	const write = (doc: string, update: Uint8Array) => void writeInitialState(opened.sqlite, doc, update);
	await seedDemo(opened.db, DEMO_DIR, write);
	return { ...opened, dir, path, write };
}

/** Grows the NOG plan to `total` actions over 15 extra themes; returns the plan's and the new themes' ids. */
export async function growNogPlan(bench: BenchDatabase, total: number): Promise<{ planId: string; themeIds: string[] }> {
	const { db, write } = bench;
	const plan = await db.selectFrom('plans').select(['id']).where('slug', '=', NOG_SLUG).executeTakeFirstOrThrow();
	const chapter = await db.selectFrom('chapters').select('id').where('plan_id', '=', plan.id).executeTakeFirstOrThrow();
	const existing = Number(
		(await db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n')).where('plan_id', '=', plan.id).executeTakeFirstOrThrow()).n
	);
	const themeIds: string[] = [];
	for (let i = 0; i < 15; i++) themeIds.push(await createTheme(db, { planId: plan.id, chapterId: chapter.id, title: `Benchmarkthema ${i + 1}` }, write));
	for (let i = existing; i < total; i++) {
		await createAction(
			db,
			{ planId: plan.id, themeId: themeIds[i % themeIds.length], level: i % 2 ? 'local' : 'regional', title: `Benchmarkactie ${i + 1} met een titel van gewone lengte` },
			write
		);
	}
	return { planId: plan.id, themeIds };
}

export interface BenchServer {
	origin: string;
	process: ChildProcess;
	signIn(email: string): Promise<string>;
	/** stops the server and removes the temporary folder */
	stop(): Promise<void>;
}

/** Starts the built server (`npm run build` first) on the database, and waits until it answers. */
export async function startServer(bench: BenchDatabase): Promise<BenchServer> {
	const buildDir = process.env.KRING_BUILD_DIR ? `${process.env.KRING_BUILD_DIR}/build` : 'build';
	if (!existsSync(`${buildDir}/handler.js`)) throw new Error(`run \`npm run build\` first (no ${buildDir}/handler.js)`);
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const child = spawn('node', [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'server/index.ts'], {
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: origin, DATABASE_PATH: bench.path, LOG_LEVEL: 'error' },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	for (let i = 0; i < 150; i++) {
		try {
			if ((await fetch(`${origin}/healthz`)).ok) break;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		origin,
		process: child,
		async signIn(email) {
			const login = await fetch(`${origin}/login`, {
				method: 'POST',
				redirect: 'manual',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
				body: `email=${encodeURIComponent(email)}&password=${PASSWORD}`
			});
			const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
			if (!cookie.startsWith('session=')) throw new Error(`sign-in of ${email} failed (${login.status})`);
			return cookie;
		},
		async stop() {
			child.kill('SIGTERM');
			await new Promise((r) => child.once('exit', r));
			rmSync(bench.dir, { recursive: true, force: true });
		}
	};
}

/** An open Server-Sent-Event stream; `onEvent` gets each parsed `data:` object with its arrival time. */
export async function openStream(
	url: string,
	cookie: string,
	onEvent: (data: Record<string, unknown>, at: number) => void
): Promise<{ close(): void }> {
	const controller = new AbortController();
	const response = await fetch(url, { headers: { cookie }, signal: controller.signal });
	if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let buffer = '';
	void (async () => {
		try {
			for (;;) {
				const { value, done } = await reader.read();
				if (done) break;
				const now = performance.now();
				buffer += decoder.decode(value, { stream: true });
				let end: number;
				while ((end = buffer.indexOf('\n\n')) >= 0) {
					const block = buffer.slice(0, end);
					buffer = buffer.slice(end + 2);
					const data = block.split('\n').find((l) => l.startsWith('data: '));
					if (data) onEvent(JSON.parse(data.slice(6)) as Record<string, unknown>, now);
				}
			}
		} catch {
			/* aborted at the end */
		}
	})();
	return { close: () => controller.abort() };
}

/** Replaces (or appends) the section starting with `heading` in docs/benchmarks.md. */
export function writeSection(heading: string, text: string): void {
	const docPath = 'docs/benchmarks.md';
	let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n\n';
	const start = doc.indexOf(heading);
	if (start >= 0) {
		const next = doc.indexOf('\n## ', start + 5);
		doc = doc.slice(0, start) + (next >= 0 ? doc.slice(next + 1) : '');
	}
	writeFileSync(docPath, doc.trimEnd() + '\n\n' + text);
}

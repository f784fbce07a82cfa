/**
 * The two servers of the capacity cell, each in a child process pinned to
 * core 0 with bench/capacity/eld.ts loaded into it (event loop figures over IPC):
 *
 *  - Kring: the real server (server/index.ts with the built app, `npm run
 *    build` first; KRING_BUILD_DIR is honoured) on the capacity database,
 *    with its production defaults: upgrade checks, the socket re-check every
 *    3 s, the projection, the plan event streams;
 *  - reference: reference.ts (@y/websocket-server, unmodified, no store),
 *    which reports its port over IPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/harness.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ELD = join(root, 'bench', 'capacity', 'eld.ts');
export const SERVER_CORE = '0';

export interface EventLoop {
	p50: number;
	p99: number;
	max: number;
	/** times the loop was ≥ 10 ms late, and the median time between those (s; null for fewer than two) */
	stalls: number;
	spacing: number | null;
}

export function kringBuilt(): boolean {
	return existsSync(resolve(process.env.KRING_BUILD_DIR ?? root, 'build/handler.js'));
}

export class ServerChild {
	child!: ChildProcess;
	port = 0;
	origin = '';
	private waiters = new Map<string, (m: Record<string, unknown>) => void>();

	constructor(readonly kind: 'kring' | 'reference') {}

	get pathPrefix(): string {
		return this.kind === 'kring' ? '/collab/' : '/';
	}

	async start(databasePath: string): Promise<void> {
		const env: NodeJS.ProcessEnv = { ...process.env };
		delete env.YPERSISTENCE; // the reference server would open y-leveldb
		let args: string[];
		if (this.kind === 'kring') {
			this.port = await freePort();
			this.origin = `http://127.0.0.1:${this.port}`;
			Object.assign(env, { PORT: String(this.port), HOST: '127.0.0.1', ORIGIN: this.origin, DATABASE_PATH: databasePath, LOG_LEVEL: process.env.BENCH_KRING_LOG ?? 'error', DEMO_DATA: 'false' });
			args = [join(root, 'server', 'index.ts')];
		} else {
			args = [join(root, 'bench', 'capacity', 'reference.ts')];
		}
		this.child = spawn('taskset', ['-c', SERVER_CORE, process.execPath, '--import', 'tsx', '--import', ELD, ...args], {
			cwd: root,
			env,
			stdio: ['ignore', process.env.BENCH_KRING_LOG ? 'inherit' : 'ignore', 'inherit', 'ipc']
		});
		this.child.on('message', (m: Record<string, unknown>) => {
			const waiter = this.waiters.get(String(m.type));
			if (waiter) {
				this.waiters.delete(String(m.type));
				waiter(m);
			}
		});
		const exited = new Promise<never>((_, reject) => this.child.once('exit', (code) => reject(new Error(`${this.kind} exited with ${code} before it was ready`))));
		if (this.kind === 'reference') {
			const ready = await Promise.race([this.reply('ready'), exited]);
			this.port = Number(ready.port);
			this.origin = `http://127.0.0.1:${this.port}`;
			return;
		}
		const until = performance.now() + 60_000;
		for (;;) {
			if (performance.now() > until) throw new Error('kring: no /healthz answer after 60 s');
			const up = await Promise.race([
				fetch(`${this.origin}/healthz`).then((r) => r.ok, () => false),
				exited
			]);
			if (up) return;
			await new Promise((r) => setTimeout(r, 200));
		}
	}

	private reply(type: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
		return new Promise((done, reject) => {
			const timer = setTimeout(() => reject(new Error(`${this.kind}: no '${type}' after ${timeoutMs} ms`)), timeoutMs);
			this.waiters.set(type, (m) => {
				clearTimeout(timer);
				done(m);
			});
		});
	}

	async resetEventLoop(): Promise<void> {
		const answer = this.reply('eld-reset', 10_000);
		this.child.send({ cmd: 'eld-reset' });
		await answer;
	}

	async eventLoop(): Promise<EventLoop> {
		const answer = this.reply('eld', 10_000);
		this.child.send({ cmd: 'eld' });
		const m = await answer;
		return { p50: Number(m.p50), p99: Number(m.p99), max: Number(m.max), stalls: Number(m.stalls), spacing: m.spacing === null ? null : Number(m.spacing) };
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const done = new Promise<void>((r) => this.child.once('exit', () => r()));
		this.child.kill('SIGTERM');
		const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
		await done;
		clearTimeout(timer);
	}
}

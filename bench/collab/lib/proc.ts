/**
 * One benchmarked server in its own child process, pinned to core 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { ReadyInfo } from '../servers/common.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const SERVER_CORE = '0';

export interface ServerSpec {
	/** key in results */
	id: string;
	label: string;
	script: string;
	args: string[];
	/** has a store: cold load, bytes per edit and SIGKILL make sense */
	persistent: boolean;
	/** only in a run whose BENCH_SERVERS names it */
	optIn?: boolean;
	/** runs only in these cells (`2x1`) and has no figures (the bare relay) */
	onlyCells?: string[];
}

export class ServerProc {
	child!: ChildProcess;
	info!: ReadyInfo;
	pid = 0;
	exited = false;
	private gcWaiters: ((heap: number) => void)[] = [];
	private statsWaiters: ((commits: number | null) => void)[] = [];

	constructor(
		readonly spec: ServerSpec,
		readonly dir: string,
		/** extra node flags */
		readonly nodeFlags: string[] = []
	) {}

	async start(timeoutMs = 30_000): Promise<this> {
		const script = join(here, '..', 'servers', this.spec.script);
		this.exited = false;
		const env = { ...process.env };
		delete env.YPERSISTENCE; // the reference server would open y-leveldb
		this.child = spawn(
			'taskset',
			['-c', SERVER_CORE, process.execPath, '--expose-gc', ...this.nodeFlags, '--import', 'tsx', script, this.dir, ...this.spec.args],
			{ stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env }
		);
		// taskset execs node, so the child's pid is the server's pid
		this.pid = this.child.pid!;
		this.child.on('exit', () => {
			this.exited = true;
		});
		this.child.on('message', (m: { type: string; heap?: number; commits?: number | null }) => {
			if (m.type === 'gc') this.gcWaiters.shift()?.(m.heap!);
			if (m.type === 'stats') this.statsWaiters.shift()?.(m.commits ?? null);
		});
		this.info = await new Promise<ReadyInfo>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`${this.spec.id}: not ready after ${timeoutMs} ms`)), timeoutMs);
			this.child.on('message', (m: ReadyInfo & { type: string }) => {
				if (m.type === 'ready') {
					clearTimeout(timer);
					resolve(m);
				}
			});
			this.child.once('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`${this.spec.id}: exited with ${code} before ready`));
			});
		});
		return this;
	}

	/** two full GCs in the server, then VmRSS and V8 heap used + external, in bytes */
	async gcRss(): Promise<{ rss: number; heap: number }> {
		const heap = await new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('gc timeout')), 10_000);
			this.gcWaiters.push((h) => {
				clearTimeout(timer);
				resolve(h);
			});
			this.child.send({ cmd: 'gc' });
		});
		return { rss: this.rss(), heap };
	}

	/** commits the server's store made since it started (servers/commits.ts), null when it has no SQLite store */
	commits(): Promise<number | null> {
		return new Promise<number | null>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('stats timeout')), 10_000);
			this.statsWaiters.push((c) => {
				clearTimeout(timer);
				resolve(c);
			});
			this.child.send({ cmd: 'stats' });
		});
	}

	rss(): number {
		const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
		const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
		return kb * 1024;
	}

	/** user+system CPU time of the server in ms */
	cpuMs(): number {
		try {
			const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in ticks of 10 ms
		} catch {
			return 0;
		}
	}

	/** bytes handed to write()/pwrite() (wchar) and bytes of page cache dirtied (write_bytes) */
	io(): { wchar: number; writeBytes: number } {
		const io = readFileSync(`/proc/${this.pid}/io`, 'utf8');
		return {
			wchar: Number(/wchar:\s+(\d+)/.exec(io)?.[1] ?? 0),
			writeBytes: Number(/write_bytes:\s+(\d+)/.exec(io)?.[1] ?? 0)
		};
	}

	/** wait until the server used ≤ 10 % of a core for `quietMs`; false if still busy at `maxMs` */
	async waitIdle(maxMs = 4000, quietMs = 300): Promise<boolean> {
		const start = Date.now();
		let last = this.cpuMs();
		let quietSince = Date.now();
		while (Date.now() - start < maxMs) {
			await sleep(50);
			if (this.exited) return true;
			const now = this.cpuMs();
			if (now - last > 10) quietSince = Date.now();
			last = now;
			if (Date.now() - quietSince >= quietMs) return true;
		}
		return false;
	}

	async stop(timeoutMs = 8000): Promise<void> {
		if (this.exited) return;
		const done = new Promise<void>((r) => this.child.once('exit', () => r()));
		this.child.kill('SIGTERM');
		const ok = await Promise.race([done.then(() => true), sleep(timeoutMs).then(() => false)]);
		if (!ok) {
			this.child.kill('SIGKILL');
			await done;
		}
	}

	/** SIGKILL and start again on the same data directory (a server left with a backlog) */
	async restart(): Promise<void> {
		await this.kill9();
		await this.start();
	}

	async kill9(): Promise<void> {
		if (this.exited) return;
		const done = new Promise<void>((r) => this.child.once('exit', () => r()));
		process.kill(this.pid, 'SIGKILL');
		await done;
	}
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

/**
 * Busy time of cores 0 and 1 in ms (user+nice+system+steal, from /proc/stat;
 * interrupt time, most of it our own loopback traffic, is left out), to see
 * how much of them went to processes other than ours.
 */
export function coresBusyMs(): number {
	const stat = readFileSync('/proc/stat', 'utf8');
	let busy = 0;
	for (const line of stat.split('\n')) {
		const m = /^cpu([01]) (.*)$/.exec(line);
		if (!m) continue;
		const [user, nice, system, , , , , steal] = m[2].trim().split(/\s+/).map(Number);
		busy += user + nice + system + steal;
	}
	return busy * 10; // USER_HZ = 100
}

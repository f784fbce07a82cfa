import { build as esbuild } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The Dockerfile's steps, checked without Docker: its stages, the runtime
 * stage's user, port, volume, health check and command, that every file it
 * copies from the build context exists and is not excluded by .dockerignore,
 * and that everything the server loads at run time lands in the image and is a
 * production dependency (what `npm prune --omit=dev` leaves). Where a Docker
 * engine answers, the image is built, started and stopped for real.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
	.split('\n')
	.map((line) => line.trim())
	.filter((line) => line && !line.startsWith('#'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	dependencies: Record<string, string>;
	devDependencies: Record<string, string>;
	scripts: Record<string, string>;
};

interface Instruction {
	op: string;
	args: string;
}
interface Stage {
	from: string;
	name: string | null;
	steps: Instruction[];
}

function parse(text: string): Stage[] {
	const lines = text.replace(/\\\n/g, ' ').split('\n');
	const stages: Stage[] = [];
	for (const raw of lines) {
		const line = raw.trim();
		if (!line || line.startsWith('#')) continue;
		const [, op, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
		if (!op) throw new Error(`unreadable Dockerfile line: ${line}`);
		if (op.toUpperCase() === 'FROM') {
			const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args.trim()) ?? [];
			stages.push({ from, name: name ?? null, steps: [] });
		} else {
			stages.at(-1)!.steps.push({ op: op.toUpperCase(), args: args.trim() });
		}
	}
	return stages;
}

/** COPY [--from=x] [--chown=..] src... dest */
function copies(stage: Stage): Array<{ from: string | null; sources: string[]; dest: string }> {
	return stage.steps
		.filter((s) => s.op === 'COPY')
		.map((s) => {
			const words = s.args.split(/\s+/);
			const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length) ?? null;
			const paths = words.filter((w) => !w.startsWith('--'));
			return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
		});
}

function ignored(path: string): boolean {
	return dockerignore.some((pattern) => {
		if (pattern.startsWith('*')) return path.endsWith(pattern.slice(1));
		return path === pattern || path.startsWith(`${pattern}/`);
	});
}

const stages = parse(dockerfile);
const build = stages[0];
const run = stages.at(-1)!;
const runCopies = copies(run);
/** the runtime image's files: the app folder paths copied from the build stage */
const inImage = runCopies.flatMap((c) => c.sources.map((s) => s.replace(/^\/app\//, '')));

describe('Dockerfile', () => {
	it('builds in a stage with the dev tools and runs on a slim Node LTS image', () => {
		expect(stages.length).toBeGreaterThanOrEqual(2);
		expect(build.name).toBe('build');
		expect(run.from).toMatch(/^node:(22|24)-slim$/);
		const buildRuns = build.steps.filter((s) => s.op === 'RUN').map((s) => s.args).join('\n');
		expect(buildRuns).toMatch(/npm ci\b/);
		expect(buildRuns).toMatch(/npm run build\b/);
		expect(buildRuns).toMatch(/npm prune --omit=dev\b/);
		expect(runCopies.every((c) => c.from === 'build')).toBe(true);
	});

	it('runs as a non-root user with the database on the /data volume, a health check and a SIGTERM-handling command', () => {
		const users = run.steps.filter((s) => s.op === 'USER').map((s) => s.args);
		expect(users.length).toBeGreaterThan(0);
		expect(['root', '0', '0:0']).not.toContain(users.at(-1));
		const env = run.steps.filter((s) => s.op === 'ENV').map((s) => s.args).join(' ');
		expect(env).toMatch(/DATABASE_PATH=\/data\/kring\.db/);
		expect(env).toMatch(/HOST=0\.0\.0\.0/);
		expect(run.steps.find((s) => s.op === 'VOLUME')?.args).toMatch(/"\/data"|\/data/);
		// /data is created and handed to the user before the switch, so the non-root process can write it
		const order = run.steps.map((s) => s.op);
		const chown = run.steps.findIndex((s) => s.op === 'RUN' && /chown\s+node:node\s+\/data/.test(s.args));
		expect(chown).toBeGreaterThanOrEqual(0);
		expect(chown).toBeLessThan(order.lastIndexOf('USER'));
		const port = /PORT=(\d+)/.exec(env)?.[1];
		expect(run.steps.find((s) => s.op === 'EXPOSE')?.args).toBe(port);
		expect(run.steps.find((s) => s.op === 'HEALTHCHECK')?.args).toMatch(/\/healthz/);
		const cmd = JSON.parse(run.steps.find((s) => s.op === 'CMD')!.args) as string[];
		// exec form: node itself is PID 1 and receives SIGTERM (server/index.ts handles it)
		expect(cmd).toEqual(['node', '--import', 'tsx', 'server/index.ts']);
		expect(pkg.scripts.start).toBe(cmd.join(' '));
		expect(readFileSync(join(ROOT, 'server/index.ts'), 'utf8')).toMatch(/process\.on\(['"]SIGTERM['"]/);
	});

	it('copies only files that exist in the build context and are not excluded by .dockerignore', () => {
		for (const c of copies(build)) {
			expect(c.from).toBeNull();
			for (const source of c.sources) {
				if (source === '.') continue;
				expect(existsSync(join(ROOT, source)), `${source} exists`).toBe(true);
				expect(ignored(source), `${source} is not in .dockerignore`).toBe(false);
			}
		}
		// what the build step needs is in the context
		for (const needed of ['package.json', 'package-lock.json', 'svelte.config.js', 'vite.config.ts', 'project.inlang', 'messages', 'src', 'static', 'server', 'migrations', 'scripts/prepare.mjs']) {
			expect(ignored(needed), needed).toBe(false);
		}
		// and what must not enter the image is left out
		for (const secret of ['node_modules', '.git', 'data', '.env', 'data/kring.db', '.builds']) expect(ignored(secret), secret).toBe(true);
		// the runtime stage copies what the build stage has: context folders, or build/ and node_modules/ made by its steps
		for (const path of inImage) {
			const made = path === 'build' || path === 'node_modules';
			expect(made || (existsSync(join(ROOT, path)) && !ignored(path)), path).toBe(true);
		}
	});

	it('puts every file the server and the CLI load into the image, and every package they import is a production dependency', async () => {
		const result = await esbuild({
			entryPoints: ['server/index.ts', 'server/migrate.ts', 'server/cli.ts', 'server/backup.ts'].map((p) => join(ROOT, p)),
			absWorkingDir: ROOT,
			bundle: true,
			platform: 'node',
			format: 'esm',
			packages: 'external',
			write: false,
			metafile: true,
			outdir: '/tmp/kring-dockerfile-test',
			logLevel: 'silent'
		});
		const packages = new Set<string>();
		for (const [file, input] of Object.entries(result.metafile.inputs)) {
			const path = relative(ROOT, join(ROOT, file));
			expect(inImage.some((dir) => path === dir || path.startsWith(`${dir}/`)), `${path} is copied into the image`).toBe(true);
			for (const imported of input.imports) {
				if (!imported.external || imported.path.startsWith('node:')) continue;
				const parts = imported.path.split('/');
				packages.add(imported.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
			}
		}
		expect(packages.size).toBeGreaterThan(5);
		for (const name of packages) expect(pkg.dependencies, `${name} must be in dependencies`).toHaveProperty([name]);
		// the server reads these folders at run time (migrations, demo data, the CBS list of gemeenten)
		for (const folder of ['migrations', 'server']) expect(inImage).toContain(folder);
		expect(pkg.dependencies).toHaveProperty(['tsx']);
	});

	const builtServer = [process.env.KRING_BUILD_DIR && join(process.env.KRING_BUILD_DIR, 'build'), 'build']
		.filter((dir): dir is string => Boolean(dir))
		.map((dir) => join(ROOT, dir))
		.find((dir) => existsSync(join(dir, 'handler.js')));

	it.skipIf(!builtServer)('the built app imports only production dependencies (so `npm ci --omit=dev && npm start` works)', () => {
		const bare = new Set<string>();
		const walk = (dir: string) => {
			for (const name of readdirSync(dir)) {
				const path = join(dir, name);
				if (statSync(path).isDirectory()) {
					if (name !== 'client') walk(path);
				} else if (name.endsWith('.js')) {
					const code = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
					// static imports: these must resolve when the server loads (lazy import() calls of optional packages inside bundled libraries are not)
					for (const m of code.matchAll(/(?:^(?:import|export)\b[^;'"]*?\bfrom\s*|^import\s*)["']([^"'$]+)["']/gm)) {
						const spec = m[1];
						if (/^[./#]|^node:/.test(spec) || !/^(@[a-z0-9._~-]+\/)?[a-z0-9._~-]+(\/[\w./-]*)?$/.test(spec)) continue;
						const parts = spec.split('/');
						bare.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
					}
				}
			}
		};
		walk(builtServer!);
		expect(bare.has('valibot') && bare.has('kysely'), 'the scan finds the imports the server really has').toBe(true);
		const builtins = new Set(builtinModules);
		const notProduction = [...bare].filter((name) => !builtins.has(name) && !(name in pkg.dependencies));
		expect(notProduction).toEqual([]);
	});

	const docker = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

	it.skipIf(!docker)(
		'builds, becomes healthy and stops on SIGTERM with exit code 0 (Docker available)',
		async () => {
			const tag = `kring-test:${process.pid}`;
			const built = spawnSync('docker', ['build', '-t', tag, '.'], { cwd: ROOT, stdio: 'inherit', timeout: 900_000 });
			expect(built.status).toBe(0);
			const name = `kring-test-${process.pid}`;
			const started = spawnSync('docker', ['run', '-d', '--name', name, '-e', 'DEMO_DATA=false', tag], { encoding: 'utf8' });
			expect(started.status).toBe(0);
			try {
				let health = '';
				for (let i = 0; i < 90 && health !== 'healthy'; i++) {
					await new Promise((r) => setTimeout(r, 2000));
					health = spawnSync('docker', ['inspect', '-f', '{{.State.Health.Status}}', name], { encoding: 'utf8' }).stdout.trim();
				}
				expect(health).toBe('healthy');
				const user = spawnSync('docker', ['exec', name, 'id', '-u'], { encoding: 'utf8' }).stdout.trim();
				expect(user).not.toBe('0');
				const stopped = Date.now();
				await new Promise<void>((resolve) => spawn('docker', ['stop', '-t', '10', name]).on('exit', () => resolve()));
				expect(Date.now() - stopped).toBeLessThan(9000);
				expect(spawnSync('docker', ['inspect', '-f', '{{.State.ExitCode}}', name], { encoding: 'utf8' }).stdout.trim()).toBe('0');
			} finally {
				spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
				spawnSync('docker', ['rmi', tag], { stdio: 'ignore' });
			}
		},
		1_200_000
	);
});

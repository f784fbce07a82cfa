#!/usr/bin/env node
/**
 * `npm run prepare` (run by `npm install` and `npm ci`): generate the message
 * catalogue (Paraglide) and SvelteKit's types. Both tools are dev dependencies;
 * on a production install (`npm ci --omit=dev`) they are absent and the built app
 * does not need them, so this step is skipped instead of failing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

if (!existsSync(bin('paraglide-js')) || !existsSync(bin('svelte-kit'))) {
	console.log('prepare: dev tools not installed (production install); skipping code generation.');
	process.exit(0);
}

for (const [tool, args] of [
	['paraglide-js', ['compile', '--project', './project.inlang', '--outdir', './src/lib/paraglide', '--output-structure', 'locale-modules']],
	['svelte-kit', ['sync']]
]) {
	const result = spawnSync(bin(tool), args, { stdio: 'inherit', cwd: root });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

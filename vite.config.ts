import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { kringDevServer } from './server/dev-plugin.ts';
import { purgeAppCss } from './scripts/css-purge.ts';

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'baseLocale'],
			// one module per locale (as paraglide 2.25 wrote by default): a few files instead of one per message
			outputStructure: 'locale-modules'
		}),
		sveltekit(),
		kringDevServer()
	],
	css: {
		// only the NL Design System CSS the pages use (scripts/css-purge.ts)
		postcss: { plugins: [purgeAppCss()] }
	},
	resolve: {
		// One copy of yjs in every bundle: two copies corrupt documents.
		dedupe: ['yjs', 'y-protocols', 'lib0', '@tiptap/y-tiptap']
	},
	test: {
		include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'migrations/**/*.test.ts'],
		environment: 'node',
		testTimeout: 20_000,
		hookTimeout: 30_000,
		pool: 'forks',
		// Vitest's default is one worker less than the CPUs: one on these 2-core machines. The suites mostly
		// wait on fsync, PostgreSQL and sockets, so two at once take about 60 % of the time (measured: SQLite
		// suite 112 → 83 s, domain suites on PostgreSQL 208 → 128 s, *.pg-test.ts 70 → 38 s).
		maxWorkers: 2,
		// the domain suites on PostgreSQL (npm run test:pg:domain): one server for the run
		globalSetup: process.env.KRING_TEST_DATABASE === 'postgres' ? ['server/testing/postgres-global.ts'] : []
	}
});

import { defineConfig } from 'vitest/config';
import base from './vite.config.ts';

/**
 * `npm run test:pg`: the tests that run against a real PostgreSQL
 * (server/testing/postgres.ts starts one per file). They are named
 * `*.pg-test.ts`, so the SQLite suite (`npm test`) does not pick them up.
 */
export default defineConfig({
	...base,
	test: { ...base.test, include: ['src/**/*.pg-test.ts', 'server/**/*.pg-test.ts', 'migrations/**/*.pg-test.ts'] }
});

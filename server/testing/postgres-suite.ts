import { afterAll, beforeAll, describe } from 'vitest';
import { postgresSkipReason, startMigratedPostgres, type MigratedPostgres } from './postgres.ts';

/**
 * A Vitest suite against its own PostgreSQL server with one database at the
 * latest migration. Skipped, with the reason printed, only where PostgreSQL's
 * binaries are not installed.
 */
export function describeOnPostgres(title: string, body: (pg: () => MigratedPostgres) => void): void {
	const skip = postgresSkipReason();
	if (skip) console.warn(`skipping "${title}": ${skip}`);
	describe.skipIf(skip !== null)(title, () => {
		let pg: MigratedPostgres | undefined;
		beforeAll(async () => {
			pg = await startMigratedPostgres();
		});
		afterAll(async () => pg?.close());
		body(() => {
			if (!pg) throw new Error('PostgreSQL did not start');
			return pg;
		});
	});
}

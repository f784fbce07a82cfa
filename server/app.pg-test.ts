import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startKring } from './app.ts';
import { readConfig } from './config.ts';
import { postgresSkipReason, startPostgres, type TestPostgres } from './testing/postgres.ts';

/**
 * Kring itself on PostgreSQL (issue 18): `DATABASE_URL` alone starts it with
 * the demo data, its documents readable, and a second start finds the data
 * and does not seed again.
 */
const skip = postgresSkipReason();
if (skip) console.warn(`skipping Kring on PostgreSQL: ${skip}`);

describe.skipIf(skip !== null)('Kring on PostgreSQL 15', () => {
	let server: TestPostgres;
	let url: string;
	const quiet = pino({ level: 'silent' });
	let regionsAfterFirstStart = 0;
	const countRegions = async (kring: Awaited<ReturnType<typeof startKring>>) =>
		Number((await kring.runtime.db.selectFrom('regions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

	beforeAll(async () => {
		server = await startPostgres();
		url = await server.createDatabase('kring_app');
	});

	afterAll(async () => server?.stop());

	it('starts on an empty database with the demo data and serves its documents', async () => {
		const kring = await startKring(readConfig({ DATABASE_URL: url, PORT: '0' }), quiet);
		try {
			const plans = await kring.runtime.db.selectFrom('plans').select('id').execute();
			expect(plans.length).toBeGreaterThanOrEqual(4);
			const state = await kring.runtime.readDocument(`plan:${plans[0].id}`);
			expect(state.byteLength).toBeGreaterThan(2);
			const doc = new Y.Doc();
			Y.applyUpdate(doc, state);
			// a seeded plan document has content (its introduction)
			expect(doc.share.size).toBeGreaterThan(0);
			doc.destroy();
			regionsAfterFirstStart = await countRegions(kring);
		} finally {
			await kring.close();
		}
	});

	it('started empty (DEMO_DATA=false) gives the one-time link for the first admin', async () => {
		const lines: string[] = [];
		const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
		const empty = await server.createDatabase('kring_empty');
		const kring = await startKring(readConfig({ DATABASE_URL: empty, PORT: '0', DEMO_DATA: 'false' }), logger);
		try {
			const setup = lines.map((l) => JSON.parse(l) as { event?: string; setupLink?: string }).find((l) => l.event === 'setup_link');
			expect(setup?.setupLink).toMatch(/\/installatie\//);
			expect(await countRegions(kring)).toBe(0);
		} finally {
			await kring.close();
		}
	});

	it('starts again on the same database without seeding twice', async () => {
		const kring = await startKring(readConfig({ DATABASE_URL: url, PORT: '0' }), quiet);
		try {
			expect(regionsAfterFirstStart).toBeGreaterThan(0);
			expect(await countRegions(kring)).toBe(regionsAfterFirstStart);
		} finally {
			await kring.close();
		}
	});
});

/**
 * @hocuspocus/server 4.7 with @hocuspocus/extension-sqlite on a file, default
 * settings otherwise (debounce 2 s, maxDebounce 10 s, unloadImmediately,
 * broadcasts merged per event-loop turn). It stores the whole document state
 * (Y.encodeStateAsUpdate) in one row per document, after the debounce.
 *
 * Its `onAuthenticate` hook checks the token of the Auth message as Kring checks
 * its session cookie (auth.ts: SHA-256, session + user, document, membership,
 * prepared statements); a refused token closes the connection.
 */
import { join } from 'node:path';
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';
import type Database from 'better-sqlite3';
import { openAuthStore } from './auth.ts';
import { countCommits, type CommitCounter } from './commits.ts';
import { BENCH_ORIGIN, dataDir, serve } from './common.ts';

const dir = dataDir();
const file = join(dir, 'hocuspocus.sqlite');
const auth = openAuthStore(dir);
const store = new SQLite({ database: file });
let counter: CommitCounter | null = null;
const server = new Server({
	port: 0,
	address: '127.0.0.1',
	quiet: true,
	stopOnSignals: false,
	extensions: [store],
	async onAuthenticate({ token, documentName, requestHeaders }) {
		if (!auth.originOk(requestHeaders.get('origin') ?? undefined) || !auth.check(token, documentName)) {
			throw new Error('not authorized');
		}
	}
});
await server.listen();
// the extension opens its database in onConfigure (during listen); count its commits from here on
const db = (store as unknown as { db?: Database.Database }).db;
if (db) counter = countCommits(db);
serve(
	{
		port: server.address.port,
		pathPrefix: '',
		framing: 'hp',
		headers: { Origin: BENCH_ORIGIN },
		tokens: auth.tokens,
		authenticates: true,
		storeFiles: [file, file + '-journal', file + '-wal']
	},
	async () => {
		await server.destroy();
		auth.db.close();
	},
	() => counter?.commits ?? null
);

/**
 * @hocuspocus/server 4.7 with @hocuspocus/extension-sqlite on a file, default
 * settings otherwise (debounce 2 s, maxDebounce 10 s, unloadImmediately,
 * broadcasts merged per event-loop turn). It stores the whole document state
 * (Y.encodeStateAsUpdate) in one row per document, after the debounce.
 */
import { join } from 'node:path';
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';
import { dataDir, serve } from './common.ts';

const file = join(dataDir(), 'hocuspocus.sqlite');
const server = new Server({
	port: 0,
	address: '127.0.0.1',
	quiet: true,
	stopOnSignals: false,
	extensions: [new SQLite({ database: file })]
});
await server.listen();
serve(
	{ port: server.address.port, pathPrefix: '', framing: 'hp', storeFiles: [file, file + '-journal', file + '-wal'] },
	async () => {
		await server.destroy();
	}
);

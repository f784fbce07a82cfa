import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKring } from './app.ts';
import { readConfig } from './config.ts';

/**
 * Composition root: one Node process serves the built SvelteKit app and the
 * collaboration socket on one HTTP server.
 */
const config = readConfig();
const handlerPath = process.env.KRING_BUILD_DIR
	? resolve(process.env.KRING_BUILD_DIR, 'build/handler.js')
	: fileURLToPath(new URL('../build/handler.js', import.meta.url));
if (!existsSync(handlerPath)) {
	console.error('Kring is not built yet. Run `npm run build` first (or `npm install && npm run build && npm start`).');
	process.exit(1);
}

// Without ORIGIN, the app's origin is derived from each request. adapter-node
// assumes https unless told the protocol, so this plain-HTTP server says so
// (a TLS proxy in front sets X-Forwarded-Proto itself, or ORIGIN is set).
if (!config.origin) process.env.PROTOCOL_HEADER ??= 'x-forwarded-proto';

const kring = await startKring(config);
const { logger } = kring;
const { handler } = (await import(handlerPath)) as {
	handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;
};

const server = createServer((req, res) => {
	if (!config.origin && !req.headers['x-forwarded-proto']) req.headers['x-forwarded-proto'] = 'http';
	handler(req, res, () => {
		res.statusCode = 404;
		res.end();
	});
});
server.on('upgrade', (req, socket, head) => kring.handleUpgrade(req, socket, head));
server.on('clientError', (err, socket) => {
	logger.warn({ err: err.message }, 'bad http request');
	if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
});

server.listen(config.port, config.host, () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	logger.info({ port, host: config.host }, `Kring luistert op http://localhost:${port}`);
});

let stopping = false;
async function shutdown(signal: string) {
	if (stopping) return;
	stopping = true;
	logger.info({ signal }, 'shutting down');
	const force = setTimeout(() => {
		logger.error('shutdown took too long, exiting');
		process.exit(1);
	}, 15_000);
	force.unref();
	// Stop accepting; finish requests in flight; idle keep-alive sockets go now.
	const closed = new Promise<void>((resolve) => server.close(() => resolve()));
	server.closeIdleConnections();
	await kring.close();
	await closed;
	logger.info('stopped');
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECURITY_HEADERS, HSTS_HEADER } from '../src/lib/server/security-headers.ts';
import { startKring } from './app.ts';
import { badRequestTarget, forwardedProtocol, isHttps, sendPlainError } from './http/request-gate.ts';
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
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
	if (isHttps(req, config.origin, process.env.PROTOCOL_HEADER)) res.setHeader(...HSTS_HEADER);
	const bad = req.headers.host ? badRequestTarget(req.url) : 'no_host';
	if (bad) {
		logger.warn({ reason: bad, method: req.method }, 'bad request target');
		return sendPlainError(res, 400, 'Dit adres klopt niet');
	}
	if (!config.origin) {
		// adapter-node answers an unknown protocol with an English 400; a proxy's
		// list ("https, http") means its first entry.
		const proto = forwardedProtocol(req.headers['x-forwarded-proto']);
		if (proto === undefined) return sendPlainError(res, 400, 'Dit adres klopt niet');
		req.headers['x-forwarded-proto'] = proto;
	}
	try {
		handler(req, res, () => {
			res.statusCode = 404;
			res.end();
		});
	} catch (err) {
		logger.error({ err: err instanceof Error ? err.message : String(err), path: req.url?.split('?')[0] }, 'request handler threw');
		if (!res.headersSent) sendPlainError(res, 500, 'Er ging iets mis');
		else res.destroy();
	}
});
server.on('upgrade', (req, socket, head) => kring.handleUpgrade(req, socket, head));
server.on('connect', (_req, socket) => {
	logger.warn('CONNECT refused');
	socket.on('error', () => {});
	socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
});
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
// No input may stop the process: a promise some library forgot to handle is
// logged (without its data) and the server goes on serving everyone else.
process.on('unhandledRejection', (reason) => {
	logger.error({ err: reason instanceof Error ? { message: reason.message, stack: reason.stack } : String(reason) }, 'unhandled rejection');
});
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

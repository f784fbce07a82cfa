import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECURITY_HEADERS, HSTS_HEADER } from '../src/lib/server/security-headers.ts';
import { startKring } from './app.ts';
import { badRequestTarget, forwardedProtocol, isHttps, sendPlainError } from './http/request-gate.ts';
import { readConfig } from './config.ts';
import { StartupError } from './startup-storage.ts';
import { setDraining } from '../src/lib/server/readiness.ts';
import { closeAllStreams } from '../src/lib/server/sse.ts';

/**
 * Composition root: one Node process serves the built SvelteKit app and the
 * collaboration socket on one HTTP server.
 */
/** A bad environment value or a disk Kring cannot use: one line saying what to fix, exit 1, no stack trace. */
function refuseToStart(err: unknown): never {
	console.error(`Kring cannot start: ${err instanceof Error ? err.message : String(err)}`);
	process.exit(1);
}

let config: ReturnType<typeof readConfig>;
try {
	config = readConfig();
} catch (err) {
	refuseToStart(err);
}
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
// adapter-node refuses bodies over 512K by default; a Word plan to import may be 10 MB.
process.env.BODY_SIZE_LIMIT ??= '11M';

const kring = await startKring(config).catch((err: unknown) => {
	if (err instanceof StartupError) refuseToStart(err);
	throw err;
});
const { logger } = kring;
const { handler } = (await import(handlerPath)) as {
	handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;
};

/** HTTP requests whose response has not finished (event streams included), for shutdown. */
let inFlight = 0;
let stopping = false;

const server = createServer((req, res) => {
	inFlight++;
	res.once('close', () => inFlight--);
	// while shutting down, a connection ends with its response (no keep-alive)
	if (stopping) res.setHeader('Connection', 'close');
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

/** Requests in flight get this long to finish after SIGTERM; then their connections are dropped. */
const HTTP_GRACE_MS = 2000;
/** Past this the process gives up and exits 1 (below Docker's 10 s before SIGKILL). */
const FORCE_EXIT_MS = 8000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * SIGTERM: /readyz answers 503 at once; no new connections; event streams end
 * (EventSource reconnects to the next process); requests in flight finish
 * within HTTP_GRACE_MS; then the collab server commits every accepted update,
 * closes its sockets with 1001 (clients reconnect), and the database closes.
 * server.close() alone would wait for every keep-alive socket and open stream.
 */
async function shutdown(signal: string) {
	if (stopping) return;
	stopping = true;
	setDraining();
	const started = performance.now();
	logger.info({ signal, inFlight }, 'shutting down');
	const force = setTimeout(() => {
		logger.error('shutdown took too long, exiting');
		process.exit(1);
	}, FORCE_EXIT_MS);
	force.unref();
	const closed = new Promise<void>((resolve) => server.close(() => resolve()));
	closeAllStreams();
	// a stream's connection is idle once its response ended: close idle ones as they appear
	server.closeIdleConnections();
	const idle = setInterval(() => server.closeIdleConnections(), 25);
	for (let waited = 0; inFlight > 0 && waited < HTTP_GRACE_MS; waited += 25) await sleep(25);
	if (inFlight > 0) logger.warn({ inFlight }, 'requests still open after the grace period: connections dropped');
	server.closeAllConnections();
	let code = 0;
	try {
		await kring.close();
	} catch (err) {
		code = 1;
		logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
	}
	clearInterval(idle);
	server.closeAllConnections();
	await Promise.race([closed, sleep(1000)]);
	logger.info({ ms: Math.round(performance.now() - started) }, 'stopped');
	process.exit(code);
}
// No input may stop the process: a promise some library forgot to handle is
// logged (without its data) and the server goes on serving everyone else.
process.on('unhandledRejection', (reason) => {
	logger.error({ err: reason instanceof Error ? { message: reason.message, stack: reason.stack } : String(reason) }, 'unhandled rejection');
});
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

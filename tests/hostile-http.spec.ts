import { expect, test } from '@playwright/test';
import { connect } from 'node:net';
import { PASSWORD } from './fixtures.ts';

/**
 * Hostile HTTP: malformed URLs, headers and bodies, sent raw over a socket
 * (a browser or fetch would normalise them first). Every one gets a 4xx (or
 * an ordinary answer), never a 500 and never English technical text, and
 * after all of them the server still answers.
 */

interface RawAnswer {
	status: number;
	body: string;
}

function raw(port: number, request: string | Buffer): Promise<RawAnswer> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		const chunks: Buffer[] = [];
		const done = () => {
			const text = Buffer.concat(chunks).toString('latin1');
			const status = Number(text.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0);
			resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
		};
		socket.setTimeout(10_000, () => socket.destroy());
		socket.on('data', (c) => chunks.push(c));
		socket.on('close', done);
		socket.on('error', () => {});
		socket.write(request);
	});
}

function get(target: string, headers: Record<string, string> = {}): string {
	const lines = [`GET ${target} HTTP/1.1`, 'Host: localhost', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
	return lines.join('\r\n') + '\r\n\r\n';
}

function post(target: string, body: string | Buffer, headers: Record<string, string>): Buffer {
	const buffer = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
	const lines = [
		`POST ${target} HTTP/1.1`,
		'Host: localhost',
		'Connection: close',
		`Content-Length: ${buffer.length}`,
		...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)
	];
	return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), buffer]);
}

const BAD_PATHS = [
	'/%', '/%c0', '/%c0%af', '/plannen/%c0%af', '/%%', '/%zz', '/%e2%82', '/%ff%fe', '/%00', '/plannen/%00',
	'/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/', '/_app/%c0', '/_app/immutable/%', '/api/plans/%', '/api/plans/%ff',
	'/api/plans/x%00y', '/openbaar/%', '/regios/%c0', '/login/%', '/collab/%c0', '/zoeken?q=%', '/zoeken?q=%c0%af',
	'/login?redirectTo=%', '/login?redirectTo=%ff', '/?%', '/plannen?%%%', `/${'a'.repeat(9000)}`, '/%u0041', '/%5c%5cevil',
	'/plannen/%E2%80%AE', '/versies/%', '/healthz%', '/api/%', '/inbox?x=%ZZ'
];

const BAD_HEADERS: Record<string, string>[] = [
	{ Cookie: 'session=%%%' },
	{ Cookie: `session=${'a'.repeat(4000)}` },
	{ Cookie: 'session="unterminated' },
	{ Cookie: 'PARAGLIDE_LOCALE=%ff; session=x' },
	{ Cookie: 'PARAGLIDE_LOCALE=xx-evil' },
	{ 'Accept-Language': '%%%;q=abc, *;q=-1' },
	{ 'Accept-Language': 'x'.repeat(2000) },
	{ Accept: '\u00ff\u00fe' },
	{ 'X-Forwarded-Proto': 'javascript' },
	{ 'X-Forwarded-Proto': 'https, http, ftp' },
	{ 'X-Forwarded-For': 'not-an-ip, %%%' },
	{ 'If-None-Match': '"' + 'x'.repeat(3000) },
	{ 'If-Modified-Since': 'yesterday' },
	{ Range: 'bytes=9999999-1' },
	{ Range: 'bytes=-' },
	{ Origin: 'null' },
	{ Origin: '%' },
	{ 'Content-Type': ';;;' }
];

const HEADER_TARGETS = ['/', '/login', '/api/plans', '/healthz', '/_app/version.json', '/favicon.svg', '/plannen/onbekend'];

const BODY_TARGETS = ['/login', '/account', '/plannen/onbekend?/addAction', '/inbox?/read', '/api/inbox', '/api/plans/x/threads'];

const BAD_BODIES: { body: string | Buffer; type: string }[] = [
	{ body: 'email=%&password=%', type: 'application/x-www-form-urlencoded' },
	{ body: 'email=%c0%af&password=%ff', type: 'application/x-www-form-urlencoded' },
	{ body: '%%%%', type: 'application/x-www-form-urlencoded' },
	{ body: '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nbroken', type: 'multipart/form-data; boundary=x' },
	{ body: 'no boundary at all', type: 'multipart/form-data' },
	{ body: '--y\r\n\r\n--y--', type: 'multipart/form-data; boundary=y' },
	{ body: '{"email": ', type: 'application/json' },
	{ body: '{"threadIds": [1, {"$gt": ""}]}', type: 'application/json' },
	{ body: '[]', type: 'application/json' },
	{ body: 'null', type: 'application/json' },
	{ body: Buffer.from([0, 255, 254, 253, 0, 1, 2]), type: 'application/octet-stream' },
	{ body: 'email=a&email=b&password=c&password=d', type: 'application/x-www-form-urlencoded' },
	{ body: `email=${'x'.repeat(100_000)}&password=y`, type: 'application/x-www-form-urlencoded' },
	{ body: 'plain text', type: 'text/plain' },
	{ body: '<xml/>', type: 'application/xml' }
];

/** English technical text SvelteKit, Node or the adapter would answer with. */
const ENGLISH = /Internal Server Error|Malformed|forbidden|not allowed|Not found|exceeds|Invalid request|expect form-encoded|Bad Request/i;

test('a few hundred malformed URLs, headers and bodies get a 4xx (never a 500), and the server keeps answering', async ({
	baseURL,
	playwright
}) => {
	test.setTimeout(180_000);
	const port = Number(new URL(baseURL!).port);
	const api = await playwright.request.newContext({ baseURL });
	const login = await api.post('/login', {
		form: { email: 'lezer@kring.example', password: PASSWORD },
		headers: { Origin: baseURL! },
		maxRedirects: 0
	});
	const cookie = (login.headers()['set-cookie'] ?? '').match(/session=([^;]+)/)?.[0];
	expect(cookie, 'signed in').toBeTruthy();
	const origin = `http://localhost:${port}`;

	const problems: string[] = [];
	let sent = 0;
	const check = async (label: string, request: string | Buffer, allowedOk = false) => {
		sent++;
		const answer = await raw(port, request);
		if (answer.status === 0 || answer.status >= 500) problems.push(`${label} → ${answer.status || 'no answer'}`);
		else if (answer.status >= 400 && ENGLISH.test(answer.body)) problems.push(`${label} → ${answer.status} English: ${answer.body.slice(0, 80)}`);
		else if (!allowedOk && answer.status < 300) problems.push(`${label} → ${answer.status}`);
	};

	for (const path of BAD_PATHS) {
		// Some decode to ordinary paths ('/%2e%2e/' is '/'): those may answer normally.
		await check(`GET ${path.slice(0, 40)}`, get(path), true);
		await check(`GET ${path.slice(0, 40)} signed in`, get(path, { Cookie: cookie! }), true);
		await check(`POST ${path.slice(0, 40)}`, post(path, 'a=b', { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, Cookie: cookie! }));
	}
	for (const headers of BAD_HEADERS) {
		for (const target of HEADER_TARGETS) {
			await check(`GET ${target} ${JSON.stringify(headers).slice(0, 50)}`, get(target, headers), true);
		}
	}
	for (const target of BODY_TARGETS) {
		for (const { body, type } of BAD_BODIES) {
			const label = `POST ${target} ${type} ${String(body).slice(0, 30)}`;
			await check(label, post(target, body, { 'Content-Type': type, Origin: origin, Cookie: cookie!, Accept: 'text/html' }), true);
			await check(`${label} (json)`, post(target, body, { 'Content-Type': type, Origin: origin, Cookie: cookie!, Accept: 'application/json' }), true);
		}
	}
	await check('no Host header', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
	await check('HTTP/1.0 without Host', 'GET /plannen HTTP/1.0\r\n\r\n', true);
	await check('absolute-form target', 'GET http://evil.example/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
	await check('CONNECT', 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n');
	await check('chunked body, broken', 'POST /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nzz\r\nabc\r\n0\r\n\r\n');
	// Not HTTP at all, and a request line cut short.
	await check('garbage', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x01]));
	await check('cut short', 'GET /plannen HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Long: ' + 'y'.repeat(20_000) + '\r\n\r\n');

	expect(sent).toBeGreaterThan(300);
	expect(problems).toEqual([]);
	const health = await raw(port, get('/healthz'));
	expect(health.status).toBe(200);
	await api.dispose();
});

test('a cross-site form post is refused in Dutch', async ({ request }) => {
	const response = await request.post('/login', {
		form: { email: 'lezer@kring.example', password: PASSWORD },
		headers: { Origin: 'https://evil.example' },
		failOnStatusCode: false
	});
	expect(response.status()).toBe(403);
	expect(await response.text()).toContain('niet vanaf Kring zelf verstuurd');
});

test('static assets carry the security headers, and HSTS is sent over https only', async ({ request, baseURL }) => {
	const page = await request.get('/login');
	const asset = (await page.text()).match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
	expect(asset, 'a script of the login page').toBeTruthy();
	const response = await request.get(asset!);
	expect(response.status()).toBe(200);
	expect(response.headers()['x-content-type-options']).toBe('nosniff');
	expect(response.headers()['x-frame-options']).toBe('DENY');
	expect(response.headers()['strict-transport-security']).toBeUndefined();

	const port = Number(new URL(baseURL!).port);
	const overTls = await raw(port, get('/login', { 'X-Forwarded-Proto': 'https' }));
	expect(overTls.status).toBe(200);
	const headers = await new Promise<string>((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let text = '';
		socket.on('data', (c) => (text += c.toString('latin1')));
		socket.on('close', () => resolve(text.slice(0, text.indexOf('\r\n\r\n'))));
		socket.write(get(`${asset}`, { 'X-Forwarded-Proto': 'https' }));
	});
	expect(headers.toLowerCase()).toContain('strict-transport-security: max-age=31536000');
});

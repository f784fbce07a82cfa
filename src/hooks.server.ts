import type { Handle, HandleServerError } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { compressResponse } from '$lib/server/compress';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/cookies';
import { isStorageError } from '$lib/server/health';
import { observeRequest } from '$lib/server/metrics';
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestId } from '$lib/server/request-context';
import { getRuntime } from '$lib/server/runtime';
import { HSTS_HEADER, SECURITY_HEADERS } from '$lib/server/security-headers';
import { guardRequest } from '$lib/server/request-guard';
import { validateSessionToken } from '$lib/server/session';
import { USER_HEADER } from '$lib/offline/policy';

const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

const session: Handle = async ({ event, resolve }) => {
	const { db, sessionPolicy } = getRuntime();
	const token = event.cookies.get(SESSION_COOKIE) ?? null;
	event.locals.user = null;
	event.locals.session = null;
	if (token !== null) {
		const result = await validateSessionToken(db, token, sessionPolicy);
		if (result.session) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			if (result.refreshed) {
				event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(event.url, result.session.expiresAt));
			}
		} else {
			event.cookies.delete(SESSION_COOKIE, { path: '/' });
		}
	}
	if (!event.locals.user && !isPublic(event.url.pathname)) {
		if (event.url.pathname.startsWith('/api/')) {
			return new Response(JSON.stringify({ message: 'Je bent niet ingelogd.' }), {
				status: 401,
				headers: { 'Content-Type': 'application/json' }
			});
		}
		if (event.request.method === 'GET' || event.request.method === 'HEAD') {
			// A returned response, not a thrown redirect: SvelteKit runs this hook on
			// its own error paths too, where a throw would escape every catch.
			const target = event.url.pathname + event.url.search;
			const location = target === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(target)}`;
			return new Response(null, { status: 303, headers: { Location: location } });
		}
		return new Response('Je bent niet ingelogd.', { status: 401, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	}
	return resolve(event);
};

/** Pages anyone may see; everything else needs a session. */
function isPublic(path: string): boolean {
	return path === '/login' || path === '/healthz' || path === '/logout' || isOperationsPath(path) || path.startsWith('/openbaar/') || path.startsWith('/installatie/') || path.startsWith('/uitnodiging/') || path.startsWith('/afmelden/') || isAccountRecoveryPath(path);
}

/** Probes, metrics (own token), security.txt and the accessibility and privacy statements. */
function isOperationsPath(path: string): boolean {
	return path === '/readyz' || path === '/metrics' || path === '/.well-known/security.txt' || path === '/toegankelijkheid' || path === '/privacy';
}

/** Password reset, the second sign-in step and the e-mail change link work without a session. */
function isAccountRecoveryPath(path: string): boolean {
	return path === '/wachtwoord-vergeten' || path.startsWith('/wachtwoord-vergeten/') || path === '/login/tweede-stap' || path.startsWith('/e-mail-bevestigen/');
}

/** Paths whose next segment is a secret (a capability link): it never reaches the log. */
const SECRET_PATHS = ['/openbaar/', '/installatie/', '/uitnodiging/', '/wachtwoord-vergeten/', '/e-mail-bevestigen/', '/afmelden/'];

function loggedPath(url: URL): string {
	const prefix = SECRET_PATHS.find((p) => url.pathname.startsWith(p));
	return prefix ? `${prefix}[token]` : url.pathname;
}

/** Every log line of the request carries its id (src/lib/server/request-context.ts), as does the response. */
const headersAndLog: Handle = ({ event, resolve }) => {
	const requestId = requestIdFrom(event.request.headers.get(REQUEST_ID_HEADER));
	event.locals.requestId = requestId;
	return runWithRequestId(requestId, () => respondAndLog(event, resolve, requestId));
};

const respondAndLog = async (event: Parameters<Handle>[0]['event'], resolve: Parameters<Handle>[0]['resolve'], requestId: string) => {
	const started = performance.now();
	const response = await resolve(event);
	response.headers.set(REQUEST_ID_HEADER, requestId);
	observeRequest(event.request.method, event.route.id, response.status, (performance.now() - started) / 1000);
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
	if (event.url.protocol === 'https:') response.headers.set(...HSTS_HEADER);
	if (!response.headers.has('Cache-Control') && event.locals.user) response.headers.set('Cache-Control', 'private, no-store');
	// the service worker keeps pages per person and forgets them when someone else (or nobody) is signed in: docs/offline.md
	if (event.locals.user) response.headers.set(USER_HEADER, event.locals.user.id);
	getRuntime().logger.info(
		{
			method: event.request.method,
			path: loggedPath(event.url),
			status: response.status,
			ms: Math.round(performance.now() - started),
			user: event.locals.user?.id
		},
		'request'
	);
	return response;
};

/** Cross-site form posts and unreadable form bodies end here, with a Dutch answer. */
const guard: Handle = async ({ event, resolve }) => {
	const refused = await guardRequest(event.request, event.url);
	if (refused) {
		getRuntime().logger.warn({ event: 'request_refused', reason: refused.reason, method: event.request.method, path: loggedPath(event.url) }, 'request refused');
		return refused.response;
	}
	return resolve(event);
};

/** Pages and JSON leave compressed (brotli or gzip); see $lib/server/compress. */
const compress: Handle = async ({ event, resolve }) => compressResponse(event.request, await resolve(event));

export const handle = sequence(compress, headersAndLog, guard, i18n, session);

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) {
		getRuntime().logger.error(
			{
				err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
				path: loggedPath(event.url)
			},
			'unhandled error'
		);
	}
	if (isStorageError(error)) {
		// The disk is full or read-only: say plainly that nothing was saved.
		return { message: 'Opslaan is mislukt: de server kan op dit moment niets bewaren. Je wijziging is niet opgeslagen. Probeer het later opnieuw.', storage: true };
	}
	return { message: status === 404 ? 'Niet gevonden' : 'Er ging iets mis' };
};

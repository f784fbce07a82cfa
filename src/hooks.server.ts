import { redirect, type Handle, type HandleServerError } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/cookies';
import { getRuntime } from '$lib/server/runtime';
import { validateSessionToken } from '$lib/server/session';

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
			const target = event.url.pathname + event.url.search;
			redirect(303, target === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(target)}`);
		}
		return new Response('Je bent niet ingelogd.', { status: 401 });
	}
	return resolve(event);
};

/** Pages anyone may see; everything else needs a session. */
function isPublic(path: string): boolean {
	return path === '/login' || path === '/healthz' || path === '/logout' || path.startsWith('/openbaar/');
}

/** The path as logged: a public link's token is a secret, so it never reaches the log. */
function loggedPath(url: URL): string {
	return url.pathname.startsWith('/openbaar/') ? '/openbaar/[token]' : url.pathname;
}

const headersAndLog: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	if (!response.headers.has('Cache-Control') && event.locals.user) response.headers.set('Cache-Control', 'private, no-store');
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

export const handle = sequence(headersAndLog, i18n, session);

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
	return { message: status === 404 ? 'Niet gevonden' : 'Er ging iets mis' };
};

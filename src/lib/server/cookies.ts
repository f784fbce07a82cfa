/** The session cookie, as the stable interface names it. */
export const SESSION_COOKIE = 'session';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Secure everywhere except on a developer's own machine. */
export function sessionCookieOptions(url: URL, expiresAt: number) {
	return {
		path: '/',
		httpOnly: true,
		sameSite: 'lax' as const,
		secure: url.protocol === 'https:' || !LOCAL_HOSTS.has(url.hostname),
		expires: new Date(expiresAt)
	};
}

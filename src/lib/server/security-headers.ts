/**
 * Headers every response carries — pages, API, event streams and the static
 * assets under /_app/ alike (server/index.ts sets them before anything
 * answers; the hooks set them again for the Vite dev server).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'X-Frame-Options': 'DENY',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
	'Cross-Origin-Opener-Policy': 'same-origin'
});

/** HSTS, only ever sent over https (a browser ignores it on http, and it must not pin a developer's localhost). */
export const HSTS_HEADER = ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as const;

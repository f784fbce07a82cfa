/**
 * Where to send someone after signing in: only a path on this site. The
 * target is normalised the way a browser would read it (URL parsing drops
 * tabs and newlines and turns backslashes into slashes), then compared by
 * origin, so `/\tevil.example`, `/\evil.example`, `/%09/evil` and friends all
 * land on `/`.
 */
export function safeRedirect(target: string | null | undefined, origin: string): string {
	if (!target || target.length > 2000) return '/';
	// Anything a browser strips or rewrites before resolving is refused outright.
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u0020\u007f\\]/.test(target)) return '/';
	if (!target.startsWith('/') || target.startsWith('//')) return '/';
	let url: URL;
	try {
		url = new URL(target, origin);
	} catch {
		return '/';
	}
	if (url.origin !== new URL(origin).origin) return '/';
	const path = url.pathname + url.search + url.hash;
	if (path.startsWith('//')) return '/';
	// Encoded tricks (%09, %5C, %2F%2F) are no way out, but no page of ours either: land on /.
	let decoded: string;
	try {
		decoded = decodeURIComponent(url.pathname);
	} catch {
		return '/';
	}
	// eslint-disable-next-line no-control-regex
	return /[\u0000-\u001f\u007f\\]/.test(decoded) || decoded.startsWith('//') ? '/' : path;
}

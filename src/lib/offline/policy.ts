/**
 * What the service worker (src/service-worker.ts) does with a request, and
 * where it keeps what. Plain functions without the worker's globals, so they
 * are unit-tested (policy.test.ts). See docs/offline.md.
 *
 * - `shell`: a built asset or static file: from the shell cache, else the network.
 * - `page`: opening a page of a plan (/plannen/...): network first; a good answer
 *   is kept in the signed-in person's own cache; without network the kept copy,
 *   else the offline page.
 * - `data`: SvelteKit's __data.json for such a page (client navigation): as `page`,
 *   without the offline page (SvelteKit then loads the page in full, which lands on it).
 * - `navigate`: opening any other page: network only; without network the offline page.
 * - `network`: everything else (POSTs, /api, /collab, event streams, exports,
 *   other sites): not touched at all.
 */

export type RequestKind = 'shell' | 'page' | 'data' | 'navigate' | 'network';

/** The response header that names the signed-in user (set in src/hooks.server.ts). */
export const USER_HEADER = 'x-kring-user';
/** Every response SvelteKit itself made carries it (src/lib/server/request-context.ts). */
export const REQUEST_ID_HEADER = 'x-request-id';

export const SHELL_PREFIX = 'kring-shell-';
export const PAGES_PREFIX = 'kring-pages-';
/** One small cache with one entry: who the pages caches currently belong to. */
export const META_CACHE = 'kring-meta';
export const META_USER_KEY = '/__kring/offline-user';

const DATA_SUFFIX = '/__data.json';
/** Downloads (Word, PDF, ODT, Excel, CSV) are never touched. */
const EXPORT = /\/export(\/|$)|\.(pdf|docx|odt|xlsx|csv)$/i;

export interface RequestFacts {
	url: URL;
	method: string;
	mode: RequestMode;
	/** the worker's own origin */
	origin: string;
	/** pathnames of the precached shell (built assets and static files) */
	shell: ReadonlySet<string>;
}

export function isPlanPath(pathname: string): boolean {
	return (pathname === '/plannen' || pathname.startsWith('/plannen/')) && !EXPORT.test(pathname);
}

export function classifyRequest({ url, method, mode, origin, shell }: RequestFacts): RequestKind {
	if (method !== 'GET' || url.origin !== origin) return 'network';
	const path = url.pathname;
	if (path.startsWith('/api/') || path === '/collab' || path.startsWith('/collab/') || EXPORT.test(path)) return 'network';
	if (shell.has(path)) return 'shell';
	if (path.endsWith(DATA_SUFFIX)) {
		return isPlanPath(path.slice(0, -DATA_SUFFIX.length) || '/') ? 'data' : 'network';
	}
	if (mode !== 'navigate') return 'network';
	return isPlanPath(path) ? 'page' : 'navigate';
}

/** The cache of one person's pages for one version of the app: a deploy or another person starts empty. */
export function pagesCacheName(version: string, userId: string): string {
	return `${PAGES_PREFIX}${version}-${userId}`;
}

export function shellCacheName(version: string): string {
	return `${SHELL_PREFIX}${version}`;
}

/** Caches to delete when this version takes over: other versions' shells and pages. */
export function staleCaches(names: readonly string[], version: string): string[] {
	return names.filter(
		(name) => (name.startsWith(SHELL_PREFIX) && name !== shellCacheName(version)) || (name.startsWith(PAGES_PREFIX) && !name.startsWith(`${PAGES_PREFIX}${version}-`))
	);
}

/** Every cache with a person's pages (cleared at logout and when someone else signs in). */
export function personalCaches(names: readonly string[]): string[] {
	return names.filter((name) => name.startsWith(PAGES_PREFIX) || name === META_CACHE);
}

export interface ResponseFacts {
	ok: boolean;
	status: number;
	redirected: boolean;
	type: ResponseType;
	headers: Headers;
}

/** Who a response of Kring was made for: a user id, `null` for nobody signed in, `undefined` when it does not say (static files). */
export function responseUser(response: ResponseFacts): string | null | undefined {
	const user = response.headers.get(USER_HEADER);
	if (user && /^[A-Za-z0-9_-]{1,64}$/.test(user)) return user;
	return response.headers.has(REQUEST_ID_HEADER) ? null : undefined;
}

/** Whether a network answer to a `page` or `data` request may be kept: a plain 200 of the expected type for a signed-in user. */
export function mayKeep(kind: 'page' | 'data', response: ResponseFacts): boolean {
	if (!response.ok || response.status !== 200 || response.redirected || response.type !== 'basic') return false;
	if (!responseUser(response)) return false;
	const type = response.headers.get('content-type') ?? '';
	return kind === 'page' ? type.startsWith('text/html') : type.startsWith('application/json');
}

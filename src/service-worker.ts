/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
/**
 * Kring offline (docs/offline.md): the app shell is precached; the pages of
 * plans a person opens are kept in that person's own cache, network first, so
 * a reload without network opens them (the texts themselves come from
 * y-indexeddb). Nothing else is kept: no API answers, event streams, /collab,
 * exports or POSTs. The request policy is in $lib/offline/policy.
 */
import { build, files, version } from '$service-worker';
import { OFFLINE_PAGE_HEADERS, offlinePageHtml, titleOf, type KeptPage } from '$lib/offline/offline-page';
import {
	META_CACHE,
	META_USER_KEY,
	classifyRequest,
	mayKeep,
	pagesCacheName,
	personalCaches,
	responseUser,
	shellCacheName,
	staleCaches
} from '$lib/offline/policy';

const sw = self as unknown as ServiceWorkerGlobalScope;

const SHELL = shellCacheName(version);
const shellFiles = [...build, ...files];
const shellPaths = new Set(shellFiles);
/** the root layout's stylesheet (app.css and the NL Design System theme), for the offline page */
const stylesheets = build.filter((f) => /\/_app\/immutable\/assets\/0\.[^/]+\.css$/.test(f));

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(SHELL);
			await cache.addAll(shellFiles);
			// A new version takes over at once: pages always come from the network when online, so no tab is left with stale HTML.
			await sw.skipWaiting();
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			const stale = staleCaches(await caches.keys(), version);
			await Promise.all(stale.map((name) => caches.delete(name)));
			await sw.clients.claim();
		})()
	);
});

/** Cache writes one after another, so a forget never overtakes a keep that came after it. */
let turn: Promise<unknown> = Promise.resolve();
function inTurn(work: () => Promise<void>): Promise<void> {
	const next = turn.then(work, work);
	turn = next.catch(() => {});
	return next;
}

/** Whose pages the caches hold; kept in a cache so it survives the worker being stopped. */
let currentUser: string | null | undefined;

async function readUser(): Promise<string | null> {
	if (currentUser !== undefined) return currentUser;
	const meta = await caches.open(META_CACHE);
	const stored = await meta.match(META_USER_KEY);
	currentUser = stored ? await stored.text() : null;
	return currentUser;
}

/** Removes every person's pages (logout, someone else signed in, signed out). */
async function forgetPages(): Promise<void> {
	currentUser = null;
	const names = personalCaches(await caches.keys());
	await Promise.all(names.map((name) => caches.delete(name)));
}

/** Notes who the network says is signed in; another person (or nobody) means the kept pages go. */
async function noteUser(user: string | null): Promise<void> {
	const known = await readUser();
	if (known === user) return;
	await forgetPages();
	if (user) {
		currentUser = user;
		const meta = await caches.open(META_CACHE);
		await meta.put(META_USER_KEY, new Response(user));
	}
}

async function fromShell(request: Request): Promise<Response> {
	const cached = await caches.match(request, { cacheName: SHELL });
	return cached ?? fetch(request);
}

async function keptCopy(request: Request): Promise<Response | undefined> {
	const user = await readUser();
	if (!user) return undefined;
	const cache = await caches.open(pagesCacheName(version, user));
	return cache.match(request, { ignoreVary: true });
}

async function offlinePage(): Promise<Response> {
	const pages: KeptPage[] = [];
	const user = await readUser();
	if (user) {
		const cache = await caches.open(pagesCacheName(version, user));
		for (const request of await cache.keys()) {
			const url = new URL(request.url);
			if (url.pathname.endsWith('/__data.json')) continue;
			const response = await cache.match(request);
			const href = url.pathname + url.search;
			pages.push({ href, title: titleOf(response ? await response.text() : '', href) });
		}
	}
	return new Response(offlinePageHtml(pages, stylesheets), { status: 503, statusText: 'Offline', headers: OFFLINE_PAGE_HEADERS });
}

async function networkFirst(request: Request, kind: 'page' | 'data' | 'navigate', event: FetchEvent): Promise<Response> {
	let response: Response;
	try {
		response = await fetch(request);
	} catch (error) {
		if (kind !== 'navigate') {
			const kept = await keptCopy(request);
			if (kept) return kept;
		}
		if (kind === 'data') throw error;
		return offlinePage();
	}
	const user = responseUser(response);
	if (user === undefined) return response;
	// Kept after the page has its answer: forgetting another person's pages comes first.
	const copy = kind !== 'navigate' && user && mayKeep(kind, response) ? response.clone() : null;
	event.waitUntil(
		inTurn(async () => {
			await noteUser(user);
			if (copy && user) await (await caches.open(pagesCacheName(version, user))).put(request, copy);
		})
	);
	return response;
}

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	const url = new URL(request.url);
	if (request.method === 'POST' && url.origin === sw.location.origin && url.pathname === '/logout') {
		// Logging out: this person's pages leave the device before the session ends.
		event.respondWith(inTurn(forgetPages).catch(() => {}).then(() => fetch(request)));
		return;
	}
	const kind = classifyRequest({ url, method: request.method, mode: request.mode, origin: sw.location.origin, shell: shellPaths });
	if (kind === 'network') return;
	event.respondWith(kind === 'shell' ? fromShell(request) : networkFirst(request, kind, event));
});

import { describe, expect, it } from 'vitest';
import { escapeHtml, offlinePageHtml, titleOf } from './offline-page';
import { classifyRequest, mayKeep, pagesCacheName, personalCaches, responseUser, shellCacheName, staleCaches, type ResponseFacts } from './policy';

const origin = 'https://kring.example';
const shell = new Set(['/_app/immutable/entry/start.abc.js', '/favicon.svg']);

function kind(path: string, { method = 'GET', mode = 'navigate' as RequestMode, from = origin } = {}) {
	return classifyRequest({ url: new URL(path, from), method, mode, origin, shell });
}

function response(headers: Record<string, string>, over: Partial<ResponseFacts> = {}): ResponseFacts {
	return { ok: true, status: 200, redirected: false, type: 'basic', headers: new Headers(headers), ...over };
}

describe('classifyRequest', () => {
	it('serves the built assets and static files from the shell', () => {
		expect(kind('/_app/immutable/entry/start.abc.js', { mode: 'cors' })).toBe('shell');
		expect(kind('/favicon.svg', { mode: 'no-cors' })).toBe('shell');
	});

	it('keeps the pages of plans, themes and cards, and their client-navigation data', () => {
		expect(kind('/plannen/p1')).toBe('page');
		expect(kind('/plannen/p1/themas/t1')).toBe('page');
		expect(kind('/plannen/p1/acties/a1?focus=2025')).toBe('page');
		expect(kind('/plannen/p1/acties/a1/__data.json?x-sveltekit-invalidated=01', { mode: 'cors' })).toBe('data');
	});

	it('never touches POSTs, the API, event streams, /collab, exports or other sites', () => {
		expect(kind('/plannen/p1/acties/a1', { method: 'POST' })).toBe('network');
		expect(kind('/plannen/p1/acties/a1?/save', { method: 'POST', mode: 'cors' })).toBe('network');
		expect(kind('/api/plans', { mode: 'cors' })).toBe('network');
		expect(kind('/api/plans/p1/events', { mode: 'cors' })).toBe('network');
		expect(kind('/api/inbox/events', { mode: 'cors' })).toBe('network');
		expect(kind('/collab/action:a1', { mode: 'websocket' as RequestMode })).toBe('network');
		expect(kind('/plannen/p1/export/plan.pdf')).toBe('network');
		expect(kind('/plannen/p1/export/acties.csv')).toBe('network');
		expect(kind('/versies/v1/export/versie.docx')).toBe('network');
		expect(kind('/plannen/p1', { from: 'https://elders.example' })).toBe('network');
		expect(kind('/_app/version.json', { mode: 'cors' })).toBe('network');
	});

	it('opens other pages from the network only (with the offline page as fallback), and leaves their data alone', () => {
		expect(kind('/')).toBe('navigate');
		expect(kind('/inbox')).toBe('navigate');
		expect(kind('/inbox/__data.json', { mode: 'cors' })).toBe('network');
		expect(kind('/__data.json', { mode: 'cors' })).toBe('network');
		expect(kind('/plannenmaker')).toBe('navigate');
	});
});

describe('caches', () => {
	it('names a person’s pages per version and user, and finds what a new version must delete', () => {
		expect(pagesCacheName('v2', 'u1')).toBe('kring-pages-v2-u1');
		const names = [shellCacheName('v1'), shellCacheName('v2'), pagesCacheName('v1', 'u1'), pagesCacheName('v2', 'u1'), 'kring-meta', 'other'];
		expect(staleCaches(names, 'v2')).toEqual(['kring-shell-v1', 'kring-pages-v1-u1']);
		expect(personalCaches(names)).toEqual(['kring-pages-v1-u1', 'kring-pages-v2-u1', 'kring-meta']);
	});

	it('reads the signed-in user from Kring’s answers; a static file says nothing', () => {
		expect(responseUser(response({ 'x-kring-user': 'abc123', 'x-request-id': 'r' }))).toBe('abc123');
		expect(responseUser(response({ 'x-request-id': 'r' }))).toBeNull();
		expect(responseUser(response({}))).toBeUndefined();
		expect(responseUser(response({ 'x-kring-user': '../x y', 'x-request-id': 'r' }))).toBeNull();
	});

	it('keeps only plain 200 answers for a signed-in user of the expected type', () => {
		const html = { 'x-kring-user': 'u1', 'x-request-id': 'r', 'content-type': 'text/html; charset=utf-8' };
		const json = { 'x-kring-user': 'u1', 'x-request-id': 'r', 'content-type': 'application/json' };
		expect(mayKeep('page', response(html))).toBe(true);
		expect(mayKeep('data', response(json))).toBe(true);
		expect(mayKeep('page', response(json))).toBe(false);
		expect(mayKeep('page', response({ ...html, 'x-kring-user': '' }))).toBe(false);
		expect(mayKeep('page', response(html, { status: 404, ok: false }))).toBe(false);
		expect(mayKeep('page', response(html, { redirected: true }))).toBe(false);
		expect(mayKeep('page', response(html, { type: 'opaqueredirect' }))).toBe(false);
	});
});

describe('offline page', () => {
	it('lists the kept pages by title, escaped', () => {
		const html = offlinePageHtml(
			[
				{ href: '/plannen/p1/acties/a1', title: 'Zorg <na> "huiselijk" geweld' },
				{ href: '/plannen/p1', title: 'Agenda' }
			],
			['/_app/immutable/assets/0.abc.css']
		);
		expect(html).toContain('<html lang="nl">');
		expect(html).toContain('<h1 class="nl-heading nl-heading--level-1">Geen verbinding</h1>');
		expect(html).toContain('<link rel="stylesheet" href="/_app/immutable/assets/0.abc.css">');
		expect(html).toContain('Zorg &lt;na&gt; &quot;huiselijk&quot; geweld');
		expect(html.indexOf('Agenda')).toBeLessThan(html.indexOf('Zorg'));
		expect(html).not.toContain('<script');
	});

	it('says so when nothing is kept', () => {
		expect(offlinePageHtml([], [])).toContain('Er staan nog geen pagina’s op dit apparaat');
	});

	it('takes the title from the kept HTML', () => {
		expect(titleOf('<head><title>Preventie &amp; signalering — Kring</title></head>', '/x')).toBe('Preventie & signalering');
		expect(titleOf('<p>no title</p>', '/plannen/p1')).toBe('/plannen/p1');
		expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
	});
});

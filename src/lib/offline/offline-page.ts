/**
 * The page the service worker shows when there is no network and the page
 * asked for was never opened on this device (docs/offline.md). It is made by
 * the worker itself, so it needs neither the server nor a script: the app's
 * own stylesheet (from the precached shell) and a list of the pages this
 * person can open offline. Dutch only: the worker has no locale.
 */

export interface KeptPage {
	/** path and query of the page */
	href: string;
	title: string;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => escapes[c]);
}

const TITLE = /<title[^>]*>([^<]*)<\/title>/i;
const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };

/** The page's own title from its kept HTML, without " — Kring"; else its path. */
export function titleOf(html: string, href: string): string {
	const raw = TITLE.exec(html)?.[1]?.trim();
	if (!raw) return href;
	const text = raw.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (e) => entities[e] ?? e);
	return text.replace(/\s+[—–-]\s+Kring$/, '') || href;
}

/** The offline page as HTML; `stylesheets` are the app's root stylesheets from the shell. */
export function offlinePageHtml(pages: readonly KeptPage[], stylesheets: readonly string[]): string {
	const links = stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n');
	const sorted = [...pages].sort((a, b) => a.title.localeCompare(b.title, 'nl'));
	const list =
		sorted.length === 0
			? '<p class="nl-paragraph">Er staan nog geen pagina’s op dit apparaat. Een pagina van een plan die je opent terwijl je verbinding hebt, kun je daarna ook zonder verbinding openen.</p>'
			: `<h2 class="nl-heading nl-heading--level-2">Zonder verbinding te openen</h2>
<p class="nl-paragraph">Deze pagina’s heb je eerder geopend. Je ziet ze zoals ze toen waren; wat je typt, wordt op dit apparaat bewaard en gaat mee zodra er weer verbinding is.</p>
<ul class="kring-offline__list">
${sorted.map((p) => `<li><a class="nl-link" href="${escapeHtml(p.href)}">${escapeHtml(p.title)}</a></li>`).join('\n')}
</ul>`;
	return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Geen verbinding — Kring</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
${links}
<style>
.kring-offline { padding-block: var(--kring-space-xl) var(--kring-space-2xl); }
.kring-offline__list { padding-inline-start: var(--kring-space-lg); }
.kring-offline__list li { margin-block: var(--kring-space-xs); }
</style>
</head>
<body class="voorbeeld-theme utrecht-document utrecht-document--surface">
<main id="inhoud" class="kring-container kring-reading kring-stack kring-offline">
<h1 class="nl-heading nl-heading--level-1">Geen verbinding</h1>
<p class="nl-paragraph">Deze pagina staat niet op dit apparaat, en zonder internetverbinding kan Kring haar niet ophalen. Probeer het opnieuw zodra je weer verbinding hebt.</p>
<p class="nl-paragraph"><a class="nl-link" href="">Opnieuw proberen</a></p>
${list}
</main>
</body>
</html>
`;
}

/** Headers of the offline page: never kept by the browser, no scripts at all. */
export const OFFLINE_PAGE_HEADERS: Record<string, string> = {
	'content-type': 'text/html; charset=utf-8',
	'cache-control': 'no-store',
	'content-security-policy': "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
};

import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The first check every HTTP request meets, before the static files and
 * SvelteKit see it: a request target that cannot be a path of ours is answered
 * here with a Dutch 400, so no layer behind it has to survive decoding it.
 * (A malformed percent-encoding once stopped the process: SvelteKit's error
 * path for it ran our hooks outside any try.)
 */
export function badRequestTarget(target: string | undefined): string | null {
	if (!target || target.length > 8192) return 'target_length';
	if (target[0] !== '/') return 'target_not_path';
	const q = target.indexOf('?');
	const path = q < 0 ? target : target.slice(0, q);
	let decoded: string;
	try {
		decoded = decodeURIComponent(path);
	} catch {
		return 'path_encoding';
	}
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(decoded)) return 'path_control_character';
	if (q >= 0) {
		try {
			// The query is decoded per parameter by URLSearchParams, which never throws;
			// decodeURIComponent here only rejects byte sequences that are not UTF-8.
			decodeURIComponent(target.slice(q + 1).replace(/\+/g, ' '));
		} catch {
			return 'query_encoding';
		}
	}
	return null;
}

/** 'http' or 'https' from an X-Forwarded-Proto header (absent: 'http'); undefined when it names something else. */
export function forwardedProtocol(header: string | string[] | undefined): 'http' | 'https' | undefined {
	if (header === undefined) return 'http';
	const first = (Array.isArray(header) ? header[0] : header).split(',')[0].trim().toLowerCase();
	return first === 'http' || first === 'https' ? first : undefined;
}

/** A small Dutch page for requests answered before the app (no layout, no scripts). */
export function sendPlainError(res: ServerResponse, status: number, message: string): void {
	const html = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>${message}</title></head><body><h1>${message}</h1><p><a href="/">Naar Mijn Kring</a></p></body></html>`;
	res.statusCode = status;
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Content-Length', Buffer.byteLength(html));
	res.setHeader('Cache-Control', 'no-store');
	res.end(html);
}

/** Whether the request arrived over TLS (here, or at the proxy that says so). */
export function isHttps(req: IncomingMessage, origin: string | null, protocolHeader: string | undefined): boolean {
	if (origin) return origin.startsWith('https:');
	if ((req.socket as { encrypted?: boolean }).encrypted) return true;
	if (!protocolHeader) return false;
	const value = req.headers[protocolHeader.toLowerCase()];
	return (Array.isArray(value) ? value[0] : value)?.split(',')[0].trim() === 'https';
}

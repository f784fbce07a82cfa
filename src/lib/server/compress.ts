import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import zlib from 'node:zlib';

/**
 * Compresses the app's own text responses (pages, JSON, CSV) with brotli or
 * gzip. Static files are already precompressed by adapter-node; event streams,
 * downloads that are zip files already (DOCX, XLSX) and PDFs are left alone.
 * Every chunk is flushed as it comes, so a streamed page still streams.
 */
const COMPRESSIBLE = /^(text\/(html|plain|csv|css|javascript|calendar)|application\/(json|javascript|xml|ld\+json)|image\/svg\+xml)\b/i;
/** Below this many bytes (when the length is known) compression costs more than it saves. */
const MIN_BYTES = 1024;

export type Encoding = 'br' | 'gzip';

/** The best encoding the client accepts (q > 0), brotli first; null for none. */
export function negotiateEncoding(acceptEncoding: string | null): Encoding | null {
	if (!acceptEncoding) return null;
	const accepted = new Map<string, number>();
	for (const part of acceptEncoding.split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		const weight = q ? Number(q.slice(2)) : 1;
		accepted.set(name, Number.isFinite(weight) ? weight : 0);
	}
	const weight = (name: Encoding) => accepted.get(name) ?? (accepted.get('*') || 0);
	if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
	if (weight('gzip') > 0) return 'gzip';
	return null;
}

function compressor(encoding: Encoding): zlib.Gzip | zlib.BrotliCompress {
	return encoding === 'br'
		? zlib.createBrotliCompress({
				flush: zlib.constants.BROTLI_OPERATION_FLUSH,
				// quality 4: most of brotli's gain at a fraction of its cost, right for pages made per request
				params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 }
			})
		: zlib.createGzip({ flush: zlib.constants.Z_SYNC_FLUSH, level: 6 });
}

export function compressResponse(request: Request, response: Response): Response {
	if (!response.body || request.method === 'HEAD' || response.status === 204 || response.status === 304) return response;
	const headers = response.headers;
	if (headers.has('content-encoding') || /no-transform/i.test(headers.get('cache-control') ?? '')) return response;
	if (!COMPRESSIBLE.test(headers.get('content-type') ?? '')) return response;
	const length = Number(headers.get('content-length') ?? NaN);
	if (length < MIN_BYTES) return response;
	const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
	if (!encoding) return response;

	const zipped = compressor(encoding);
	// a failing source (or a client that went away) destroys the compressor too, so the response ends
	pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), zipped, () => {});
	const out = new Headers(headers);
	out.set('content-encoding', encoding);
	out.delete('content-length');
	out.append('vary', 'Accept-Encoding');
	return new Response(Readable.toWeb(zipped) as ReadableStream<Uint8Array>, {
		status: response.status,
		statusText: response.statusText,
		headers: out
	});
}

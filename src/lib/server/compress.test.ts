import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressResponse, negotiateEncoding } from './compress.ts';

const page = '<!doctype html><html lang="nl"><body>' + '<p>Samen tegen huiselijk geweld en kindermishandeling.</p>'.repeat(200) + '</body></html>';
const request = (acceptEncoding: string | null, method = 'GET') =>
	new Request('http://kring.test/plannen/1', { method, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} });
const html = (body = page, headers: Record<string, string> = {}) =>
	new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8', ...headers } });

describe('negotiateEncoding', () => {
	it('prefers brotli, then gzip, and honours q=0', () => {
		expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(negotiateEncoding('gzip, deflate')).toBe('gzip');
		expect(negotiateEncoding('br;q=0, gzip')).toBe('gzip');
		expect(negotiateEncoding('gzip;q=0.5, br;q=0.2')).toBe('gzip');
		expect(negotiateEncoding('identity')).toBeNull();
		expect(negotiateEncoding('*')).toBe('br');
		expect(negotiateEncoding(null)).toBeNull();
	});
});

describe('compressResponse', () => {
	it('sends a page brotli-compressed to a browser, and it decodes to the same page', async () => {
		const response = compressResponse(request('gzip, deflate, br'), html());
		expect(response.headers.get('content-encoding')).toBe('br');
		expect(response.headers.get('vary')).toContain('Accept-Encoding');
		const bytes = Buffer.from(await response.arrayBuffer());
		expect(bytes.length).toBeLessThan(page.length / 10);
		expect(brotliDecompressSync(bytes).toString()).toBe(page);
	});

	it('falls back to gzip', async () => {
		const response = compressResponse(request('gzip'), html());
		expect(response.headers.get('content-encoding')).toBe('gzip');
		expect(gunzipSync(Buffer.from(await response.arrayBuffer())).toString()).toBe(page);
	});

	it('leaves event streams, zip downloads, small and HEAD responses alone', () => {
		const accept = request('br, gzip');
		const stream = new Response('data: 1\n\n', { headers: { 'content-type': 'text/event-stream' } });
		const docx = new Response(page, { headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' } });
		expect(compressResponse(accept, stream)).toBe(stream);
		expect(compressResponse(accept, docx)).toBe(docx);
		const small = html('<p>kort</p>', { 'content-length': '11' });
		expect(compressResponse(accept, small)).toBe(small);
		const head = html();
		expect(compressResponse(request('br', 'HEAD'), head)).toBe(head);
		const noTransform = html(page, { 'cache-control': 'no-transform' });
		expect(compressResponse(accept, noTransform)).toBe(noTransform);
	});

	it('passes each chunk on as it comes, so a streamed page still streams', async () => {
		let push!: (chunk: string) => void;
		const body = new ReadableStream<Uint8Array>({
			start(controller) {
				push = (chunk) => controller.enqueue(new TextEncoder().encode(chunk));
			}
		});
		const response = compressResponse(request('gzip'), new Response(body, { headers: { 'content-type': 'text/html' } }));
		const reader = response.body!.getReader();
		push('<p>eerste deel</p>');
		const first = await reader.read();
		expect(first.done).toBe(false);
		expect(gunzipSync(Buffer.from(first.value!), { finishFlush: 2 }).toString()).toBe('<p>eerste deel</p>');
		await reader.cancel();
	});
});

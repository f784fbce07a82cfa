import { describe, expect, it } from 'vitest';
import { guardRequest, MAX_FORM_BYTES } from './request-guard.ts';

const url = new URL('http://kring.test/regios/x/importeren?/read');

function upload(size: number, headers: Record<string, string> = {}) {
	const form = new FormData();
	form.set('file', new File([new Uint8Array(size)], 'plan.docx'));
	return new Request(url, { method: 'POST', body: form, headers: { origin: url.origin, accept: 'application/json', ...headers } });
}

describe('guardRequest', () => {
	it('refuses a form over the upload limit by its length with a Dutch 413 before reading it', async () => {
		const request = new Request(url, {
			method: 'POST',
			body: 'x',
			headers: { origin: url.origin, accept: 'application/json', 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(MAX_FORM_BYTES + 1) }
		});
		const refused = await guardRequest(request, url);
		expect(refused?.reason).toBe('too_large');
		expect(refused?.response.status).toBe(413);
		expect(await refused?.response.json()).toEqual({ message: expect.stringContaining('groter dan 10 MB') });
	});

	it('answers 413 when the adapter stops reading a body at its limit', async () => {
		const body = new ReadableStream({
			start(controller) {
				controller.error(Object.assign(new Error('Payload Too Large'), { status: 413 }));
			}
		});
		const request = new Request(url, { method: 'POST', body, duplex: 'half', headers: { origin: url.origin, 'content-type': 'multipart/form-data; boundary=x' } } as RequestInit);
		const refused = await guardRequest(request, url);
		expect(refused?.response.status).toBe(413);
		expect(await refused?.response.text()).toContain('groter dan 10 MB');
	});

	it('lets an upload within the limit through', async () => {
		expect(await guardRequest(upload(1024), url)).toBeNull();
	});

	it('still refuses an unreadable form with 400 and a cross-site post with 403', async () => {
		const broken = new Request(url, { method: 'POST', body: 'not multipart', headers: { origin: url.origin, 'content-type': 'multipart/form-data; boundary=x' } });
		expect((await guardRequest(broken, url))?.response.status).toBe(400);
		expect((await guardRequest(upload(10, { origin: 'http://elders.test' }), url))?.response.status).toBe(403);
	});
});

/**
 * Checks a request must pass before any page, form action or endpoint runs:
 *
 *  - cross-site form posts are refused (the check SvelteKit's `csrf` option
 *    makes, done here so the answer is Dutch; svelte.config.js turns SvelteKit's
 *    own English one off with `trustedOrigins: ['*']`);
 *  - a form body that cannot be read is a 400, not an exception thrown from
 *    inside a form action (which SvelteKit answers with a 500);
 *  - a body over the server's size limit (BODY_SIZE_LIMIT, above the 10 MB an
 *    upload may be) is a 413 with a Dutch message, also when it is refused
 *    while being read (no content-length), not a 400 or SvelteKit's English text.
 */
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The largest upload (a Word plan, a CSV or XLSX of actions) plus room for the multipart envelope. */
export const MAX_FORM_BYTES = 10 * 1024 * 1024 + 64 * 1024;
const TOO_LARGE = 'Het bestand is groter dan 10 MB. Kies een kleiner bestand.';

export interface Refusal {
	reason: 'cross_site' | 'unreadable_form' | 'too_large';
	response: Response;
}

function refusal(reason: Refusal['reason'], status: number, message: string, request: Request): Refusal {
	const wantsJson = (request.headers.get('accept') ?? '').includes('application/json');
	const response = wantsJson
		? new Response(JSON.stringify({ message }), { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } })
		: new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	return { reason, response };
}

export function isFormRequest(request: Request): boolean {
	const type = request.headers.get('content-type')?.split(';', 1)[0].trim().toLowerCase() ?? '';
	return FORM_TYPES.includes(type);
}

export async function guardRequest(request: Request, url: URL): Promise<Refusal | null> {
	if (!UNSAFE.has(request.method)) return null;
	const form = isFormRequest(request);
	if (form && request.headers.get('origin') !== url.origin) {
		return refusal('cross_site', 403, 'Dit formulier is niet vanaf Kring zelf verstuurd en is daarom geweigerd.', request);
	}
	if (form && Number(request.headers.get('content-length') ?? 0) > MAX_FORM_BYTES) return refusal('too_large', 413, TOO_LARGE, request);
	if (form && request.body) {
		try {
			await request.clone().formData();
		} catch (err) {
			// the adapter stops reading at its limit with a 413 of its own
			if ((err as { status?: unknown } | null)?.status === 413) return refusal('too_large', 413, TOO_LARGE, request);
			return refusal('unreadable_form', 400, 'Wat er is verstuurd, kon niet worden gelezen. Probeer het opnieuw vanuit het formulier.', request);
		}
	}
	return null;
}

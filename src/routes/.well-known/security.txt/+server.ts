import { getRuntime } from '$lib/server/runtime';
import { securityTxt } from '$lib/server/security-txt';

/** RFC 9116 security.txt from SECURITY_CONTACT; 404 when it is not set. */
export function GET() {
	const { ops, publicOrigin } = getRuntime();
	if (!ops.securityContact) return new Response('Niet gevonden', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	return new Response(securityTxt(ops.securityContact, publicOrigin), {
		headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'public, max-age=86400' }
	});
}

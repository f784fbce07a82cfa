/**
 * /.well-known/security.txt (RFC 9116) from SECURITY_CONTACT: where to report
 * a vulnerability. Expires is always a year ahead of the request, so the file
 * never goes stale while the setting stays; Canonical only when ORIGIN is set
 * (a Host header is the client's word, not the installation's address).
 */
export function securityTxt(contact: string, publicOrigin: string | null, now = new Date()): string {
	const expires = new Date(now.getTime());
	expires.setUTCFullYear(expires.getUTCFullYear() + 1);
	const lines = [
		`Contact: ${contact}`,
		`Expires: ${expires.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
		'Preferred-Languages: nl, en'
	];
	if (publicOrigin) lines.push(`Canonical: ${publicOrigin}/.well-known/security.txt`);
	return `${lines.join('\n')}\n`;
}

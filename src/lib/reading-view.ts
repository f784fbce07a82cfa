/**
 * The reading view (a card or theme as a document) is remembered per user
 * in this browser: a cookie that holds the id of the user who chose it, so
 * the server renders the chosen view at once and another person signing in
 * on the same browser gets their own default.
 */
export const READING_COOKIE = 'kring_leesweergave';

/** Did `userId` choose the reading view, according to a Cookie header or document.cookie? */
export function readingChosen(cookies: string | undefined | null, userId: string): boolean {
	if (!cookies) return false;
	for (const part of cookies.split(';')) {
		const [name, ...rest] = part.trim().split('=');
		if (name === READING_COOKIE) return decodeURIComponent(rest.join('=')) === userId;
	}
	return false;
}

/** Remember (or forget) the choice in this browser. */
export function rememberReading(userId: string, on: boolean): void {
	const value = on ? encodeURIComponent(userId) : '';
	const age = on ? 60 * 60 * 24 * 365 : 0;
	document.cookie = `${READING_COOKIE}=${value}; Path=/; Max-Age=${age}; SameSite=Lax${location.protocol === 'https:' ? '; Secure' : ''}`;
}

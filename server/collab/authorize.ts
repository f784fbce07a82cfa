import type { IncomingMessage } from 'node:http';
import { parseDocName } from '../../src/lib/doc-name.ts';
import { accessToResource, type DocResource } from '../../src/lib/server/access.ts';
import { sessionIdFromToken, type SessionPolicy, type SessionUser } from '../../src/lib/server/session.ts';
import type { RecheckSource } from './recheck.ts';

/**
 * The checks a WebSocket upgrade passes before `ws` accepts it, in this order:
 * Origin (403), session cookie (401), document name → known resource (404,
 * nothing loaded), the user's right on it (403). Each failure ends the HTTP
 * request with that status; nothing about the reason is sent.
 */

export const COLLAB_PATH = '/collab/';
export const SESSION_COOKIE = 'session';

export type UpgradeDecision =
	| {
			ok: true;
			name: string;
			resource: DocResource;
			write: boolean;
			user: SessionUser;
			/** kept in memory only, to re-validate the session while the socket is open */
			token: string;
			/** the client asked for Kring's saved/access messages (`?saved=1`) */
			wantsSaved: boolean;
			/** when the re-check must look at the session again (0: at the next sweep) */
			checkAt: number;
	  }
	| { ok: false; status: 400 | 401 | 403 | 404; reason: string };

export interface AuthorizeOptions {
	/**
	 * the queries of the re-check (recheck.ts on SQLite: synchronous, on
	 * statements prepared once; recheck-pg.ts on PostgreSQL): the upgrade asks
	 * what the sweep asks, in two steps (session and document together, then
	 * the user's roles)
	 */
	rights: RecheckSource;
	/** the app's origin; null accepts an Origin whose host equals the request's Host */
	origin: string | null;
	sessionPolicy: SessionPolicy;
}

/**
 * Browsers always send Origin on a WebSocket handshake, so a cross-site page
 * cannot leave it out; a request without one comes from a script or tool that
 * must still present a valid session cookie. A present, foreign Origin is
 * refused.
 */
export function originAllowed(
	originHeader: string | undefined,
	host: string | undefined,
	appOrigin: string | null,
	requestScheme: 'http' | 'https' = 'http'
): boolean {
	if (originHeader === undefined) return true;
	let origin: URL;
	try {
		origin = new URL(originHeader);
	} catch {
		return false;
	}
	if (appOrigin !== null) return origin.origin === appOrigin;
	// Without ORIGIN the request's own scheme counts too: a page on http://host
	// may not open a socket of https://host (nor the other way round).
	if (origin.protocol !== `${requestScheme}:`) return false;
	return host !== undefined && origin.host.toLowerCase() === host.toLowerCase();
}

/** The scheme the browser used: TLS here, or what the proxy in front says (X-Forwarded-Proto). */
export function requestScheme(req: IncomingMessage): 'http' | 'https' {
	if ((req.socket as { encrypted?: boolean }).encrypted) return 'https';
	const header = req.headers['x-forwarded-proto'];
	const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0].trim().toLowerCase();
	return first === 'https' ? 'https' : 'http';
}

export function readCookie(header: string | undefined, name: string): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
	}
	return null;
}

/** The document name and query of a `/collab/<name>` request path, or null. */
export function parseCollabUrl(url: string | undefined): { name: string; wantsSaved: boolean } | null {
	if (!url || !url.startsWith(COLLAB_PATH)) return null;
	const q = url.indexOf('?');
	const rawName = url.slice(COLLAB_PATH.length, q < 0 ? undefined : q);
	let name: string;
	try {
		name = decodeURIComponent(rawName);
	} catch {
		return null;
	}
	const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
	return { name, wantsSaved: params.get('saved') === '1' };
}

export async function authorizeUpgrade(req: IncomingMessage, options: AuthorizeOptions): Promise<UpgradeDecision> {
	const target = parseCollabUrl(req.url);
	if (!target) return { ok: false, status: 404, reason: 'not a collaboration path' };

	const appOrigin = options.origin === null ? null : new URL(options.origin).origin;
	if (!originAllowed(req.headers.origin, req.headers.host, appOrigin, requestScheme(req))) return { ok: false, status: 403, reason: 'origin' };

	const token = readCookie(req.headers.cookie, SESSION_COOKIE);
	if (!token) return { ok: false, status: 401, reason: 'no session' };
	const ref = parseDocName(target.name);
	const { rights } = options;
	// the same rules as validateSessionToken, resolveDocument and documentAccess (src/lib/server)
	if (!/^[a-z2-7]{16,64}$/.test(token)) return { ok: false, status: 401, reason: 'invalid session' };
	const sessionId = sessionIdFromToken(token);
	const [sessions, resources] = await Promise.all([rights.checkSessions([sessionId], options.sessionPolicy), ref ? rights.resources([ref]) : null]);
	const session = sessions.get(sessionId);
	if (!session) return { ok: false, status: 401, reason: 'invalid session' };
	if (!ref || !resources) return { ok: false, status: 404, reason: 'malformed document name' };
	const resource = resources.get(`${ref.kind}:${ref.id}`);
	if (!resource) return { ok: false, status: 404, reason: 'unknown document' };
	const access = accessToResource((await rights.roles([session.userId])).get(session.userId)!, resource);
	if (access === 'none') return { ok: false, status: 403, reason: 'no access' };
	const user: SessionUser = { id: session.userId, email: session.email, name: session.name, color: session.color };
	return { ok: true, name: target.name, resource, write: access === 'write', user, token, wantsSaved: target.wantsSaved, checkAt: session.checkAt };
}

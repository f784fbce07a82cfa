import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Db } from './db.ts';

/**
 * Sessions after the Lucia guide: the client holds a random token, the
 * database holds only its SHA-256. Lookup by hash is an indexed equality on a
 * value an attacker cannot choose, so timing reveals nothing about stored ids;
 * the final comparison is constant-time anyway.
 */

export interface SessionPolicy {
	/** sliding: a session unused this long expires */
	idleTimeoutMs: number;
	/** absolute: no session lives longer than this */
	absoluteTimeoutMs: number;
}

export interface Session {
	id: string;
	userId: string;
	createdAt: number;
	expiresAt: number;
	absoluteExpiresAt: number;
}

export interface SessionUser {
	id: string;
	email: string;
	name: string;
	color: string;
}

export type SessionValidation =
	| { session: Session; user: SessionUser; /** true when expiresAt moved: resend the cookie */ refreshed: boolean }
	| { session: null; user: null; refreshed: false };

export function generateSessionToken(): string {
	const bytes = new Uint8Array(20); // 160 bits
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

function constantTimeEqual(a: string, b: string): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
	return diff === 0;
}

export async function createSession(
	db: Db,
	token: string,
	userId: string,
	policy: SessionPolicy,
	now = Date.now()
): Promise<Session> {
	const session: Session = {
		id: sessionIdFromToken(token),
		userId,
		createdAt: now,
		expiresAt: Math.min(now + policy.idleTimeoutMs, now + policy.absoluteTimeoutMs),
		absoluteExpiresAt: now + policy.absoluteTimeoutMs
	};
	await db
		.insertInto('sessions')
		.values({
			id: session.id,
			user_id: userId,
			created_at: now,
			expires_at: session.expiresAt,
			absolute_expires_at: session.absoluteExpiresAt
		})
		.execute();
	return session;
}

const NONE = { session: null, user: null, refreshed: false } as const;
const LAST_USED_PRECISION_MS = 60_000;

export async function validateSessionToken(
	db: Db,
	token: string,
	policy: SessionPolicy,
	now = Date.now()
): Promise<SessionValidation> {
	if (!/^[a-z2-7]{16,64}$/.test(token)) return NONE;
	const id = sessionIdFromToken(token);
	const row = await db
		.selectFrom('sessions')
		.innerJoin('users', 'users.id', 'sessions.user_id')
		.select([
			'sessions.id',
			'sessions.user_id',
			'sessions.created_at',
			'sessions.expires_at',
			'sessions.absolute_expires_at',
			'sessions.last_used_at',
			'users.email',
			'users.name',
			'users.color',
			'users.deactivated_at'
		])
		.where('sessions.id', '=', id)
		.executeTakeFirst();
	if (!row || !constantTimeEqual(row.id, id)) return NONE;
	// A deactivated account's sessions end (they are also deleted when it is deactivated).
	if (now >= row.expires_at || now >= row.absolute_expires_at || row.deactivated_at !== null) {
		await db.deleteFrom('sessions').where('id', '=', id).execute();
		return NONE;
	}
	const session: Session = {
		id: row.id,
		userId: row.user_id,
		createdAt: row.created_at,
		expiresAt: row.expires_at,
		absoluteExpiresAt: row.absolute_expires_at
	};
	// Extend the idle expiry once half of it has passed, never beyond the absolute limit.
	let refreshed = false;
	if (row.expires_at - now < policy.idleTimeoutMs / 2) {
		const next = Math.min(now + policy.idleTimeoutMs, row.absolute_expires_at);
		if (next > row.expires_at) {
			session.expiresAt = next;
			await db.updateTable('sessions').set({ expires_at: next, last_used_at: now }).where('id', '=', id).execute();
			refreshed = true;
		}
	}
	// The sessions list shows when each was last used; a minute's precision spares a write per request.
	if (!refreshed && (row.last_used_at ?? 0) < now - LAST_USED_PRECISION_MS) {
		await db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', id).execute();
	}
	return {
		session,
		user: { id: row.user_id, email: row.email, name: row.name, color: row.color },
		refreshed
	};
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends every session of a user, except the one given (the one that changed the password). */
export async function invalidateUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<void> {
	let query = db.deleteFrom('sessions').where('user_id', '=', userId);
	if (exceptSessionId) query = query.where('id', '!=', exceptSessionId);
	await query.execute();
}

export async function deleteExpiredSessions(db: Db, now = Date.now()): Promise<void> {
	await db
		.deleteFrom('sessions')
		.where((eb) => eb.or([eb('expires_at', '<=', now), eb('absolute_expires_at', '<=', now)]))
		.execute();
}

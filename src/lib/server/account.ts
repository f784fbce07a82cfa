import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { findAccountToken, issueAccountToken, useAccountToken, type LinkProblem } from './account-token.ts';
import { recordAudit } from './audit.ts';
import type { Db } from './db.ts';
import { hashPassword } from './password.ts';
import type { NotificationMode } from './schema.ts';
import { invalidateUserSessions } from './session.ts';
import { normalizeEmail } from './user.ts';

/**
 * One's own account: name, e-mail address (changed only after the new
 * address confirms a mailed link), password, notification preference, and
 * the list of one's sessions with "uitloggen op dit apparaat".
 */
type Actor = { id: string; name: string };

export const NOTIFICATION_MODES = ['immediate', 'daily', 'off'] as const satisfies readonly NotificationMode[];

export async function changeName(db: Db, input: { userId: string; name: string }): Promise<void> {
	await db.updateTable('users').set({ name: input.name }).where('id', '=', input.userId).execute();
}

export async function setNotificationMode(db: Db, input: { userId: string; mode: NotificationMode }): Promise<void> {
	await db.updateTable('users').set({ notification_mode: input.mode }).where('id', '=', input.userId).execute();
}

export async function getNotificationMode(db: Db, userId: string): Promise<NotificationMode> {
	const row = await db.selectFrom('users').select('notification_mode').where('id', '=', userId).executeTakeFirst();
	return row?.notification_mode ?? 'immediate';
}

/**
 * The password action of /account: the new password, every other session
 * ended, and its audit row, in one transaction. The current password was
 * checked by the caller; the caller re-checks the user's open sockets.
 */
export async function changePassword(
	db: Db,
	input: { actor: Actor; password: string; keepSessionId: string; origin: string | null; now?: number }
): Promise<void> {
	const passwordHash = await hashPassword(input.password);
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', input.actor.id).execute();
		await invalidateUserSessions(trx, input.actor.id, input.keepSessionId);
		await recordAudit(trx, {
			action: 'password.changed',
			actor: input.actor,
			object: { type: 'user', id: input.actor.id, label: input.actor.name },
			origin: input.origin,
			at: input.now
		});
	});
}

export type EmailChangeRequest =
	| { ok: true; token: string; expiresAt: number; to: string }
	| { ok: false; problem: 'same' | 'taken' };

/** Mails a confirmation link to the new address; nothing changes until it is followed. */
export async function requestEmailChange(
	db: Db,
	input: { actor: Actor; newEmail: string; origin: string | null; now?: number }
): Promise<EmailChangeRequest> {
	const now = input.now ?? Date.now();
	const newEmail = normalizeEmail(input.newEmail);
	return db.transaction().execute(async (trx) => {
		const self = await trx.selectFrom('users').select('email').where('id', '=', input.actor.id).executeTakeFirstOrThrow();
		if (self.email === newEmail) return { ok: false as const, problem: 'same' as const };
		const other = await trx.selectFrom('users').select('id').where('email', '=', newEmail).executeTakeFirst();
		if (other) return { ok: false as const, problem: 'taken' as const };
		const { token, expiresAt } = await issueAccountToken(trx, { kind: 'email_change', userId: input.actor.id, newEmail, now });
		await recordAudit(trx, {
			action: 'email.change_requested',
			actor: input.actor,
			object: { type: 'user', id: input.actor.id, label: input.actor.name },
			origin: input.origin,
			at: now
		});
		return { ok: true as const, token, expiresAt, to: newEmail };
	});
}

export async function checkEmailChangeLink(
	db: Db,
	token: string,
	now = Date.now()
): Promise<{ ok: true; newEmail: string; name: string } | { ok: false; problem: LinkProblem }> {
	const found = await findAccountToken(db, { kind: 'email_change', token, now });
	if (!found.ok) return found;
	const user = await db.selectFrom('users').select(['name']).where('id', '=', found.row.userId).executeTakeFirst();
	if (!user || !found.row.newEmail) return { ok: false, problem: 'unknown' };
	return { ok: true, newEmail: found.row.newEmail, name: user.name };
}

/** Follows the link: the account's address becomes the new one (when still free). */
export async function confirmEmailChange(
	db: Db,
	input: { token: string; origin: string | null; now?: number }
): Promise<{ ok: true; userId: string; oldEmail: string; newEmail: string; name: string } | { ok: false; problem: LinkProblem | 'taken' }> {
	const now = input.now ?? Date.now();
	return db.transaction().execute(async (trx) => {
		const found = await findAccountToken(trx, { kind: 'email_change', token: input.token, now });
		if (!found.ok) return found;
		const newEmail = found.row.newEmail;
		if (!newEmail) return { ok: false as const, problem: 'unknown' as const };
		const other = await trx.selectFrom('users').select('id').where('email', '=', newEmail).executeTakeFirst();
		if (other) return { ok: false as const, problem: 'taken' as const };
		if (!(await useAccountToken(trx, found.row.id, now))) return { ok: false as const, problem: 'used' as const };
		const user = await trx.selectFrom('users').select(['id', 'name', 'email']).where('id', '=', found.row.userId).executeTakeFirstOrThrow();
		await trx.updateTable('users').set({ email: newEmail }).where('id', '=', user.id).execute();
		await recordAudit(trx, {
			action: 'email.changed',
			actor: { id: user.id, name: user.name },
			object: { type: 'user', id: user.id, label: user.name },
			origin: input.origin,
			at: now
		});
		return { ok: true as const, userId: user.id, oldEmail: user.email, newEmail, name: user.name };
	});
}

/**
 * A session as its owner sees it. `handle` names the session in forms: a hash
 * of its id, so the page never shows the value the database looks sessions up by.
 */
export interface SessionView {
	handle: string;
	createdAt: number;
	lastUsedAt: number;
	device: Device;
	current: boolean;
}

export function sessionHandle(sessionId: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(`handle:${sessionId}`))).slice(0, 32);
}

export async function recordSessionDevice(db: Db, sessionId: string, userAgent: string | null): Promise<void> {
	await db
		.updateTable('sessions')
		.set({ user_agent: userAgent ? userAgent.slice(0, 400) : null, last_used_at: Date.now() })
		.where('id', '=', sessionId)
		.execute();
}

export async function listSessions(db: Db, input: { userId: string; currentSessionId: string; now?: number }): Promise<SessionView[]> {
	const now = input.now ?? Date.now();
	const rows = await db
		.selectFrom('sessions')
		.select(['id', 'created_at', 'last_used_at', 'user_agent'])
		.where('user_id', '=', input.userId)
		.where('expires_at', '>', now)
		.where('absolute_expires_at', '>', now)
		.execute();
	return rows
		.map((row) => ({
			handle: sessionHandle(row.id),
			createdAt: row.created_at,
			lastUsedAt: row.last_used_at ?? row.created_at,
			device: describeUserAgent(row.user_agent),
			current: row.id === input.currentSessionId
		}))
		.sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt - a.lastUsedAt);
}

/** Ends one of the actor's own sessions by its handle; another person's session is 'not_found'. */
export async function revokeSession(
	db: Db,
	input: { actor: Actor; handle: string; currentSessionId: string; origin: string | null; now?: number }
): Promise<{ ok: true; current: boolean } | { ok: false; problem: 'not_found' }> {
	return db.transaction().execute(async (trx) => {
		const rows = await trx.selectFrom('sessions').select('id').where('user_id', '=', input.actor.id).execute();
		const target = rows.find((row) => sessionHandle(row.id) === input.handle);
		if (!target) return { ok: false as const, problem: 'not_found' as const };
		await trx.deleteFrom('sessions').where('id', '=', target.id).where('user_id', '=', input.actor.id).execute();
		const current = target.id === input.currentSessionId;
		await recordAudit(trx, {
			action: 'session.revoked',
			actor: input.actor,
			object: { type: 'user', id: input.actor.id, label: input.actor.name },
			origin: input.origin,
			detail: { current },
			at: input.now
		});
		return { ok: true as const, current };
	});
}

const BROWSERS: [RegExp, string][] = [
	[/Edg(e|A|iOS)?\//, 'Edge'],
	[/OPR\/|Opera/, 'Opera'],
	[/SamsungBrowser\//, 'Samsung Internet'],
	[/Firefox\/|FxiOS\//, 'Firefox'],
	[/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
	[/Safari\//, 'Safari']
];

const SYSTEMS: [RegExp, string][] = [
	[/iPhone|iPad|iPod/, 'iOS'],
	[/Android/, 'Android'],
	[/Windows/, 'Windows'],
	[/Mac OS X|Macintosh/, 'macOS'],
	[/CrOS/, 'ChromeOS'],
	[/Linux/, 'Linux']
];

export interface Device {
	browser: string | null;
	system: string | null;
}

/** The browser and operating system named by a User-Agent, enough to recognise one's own device. */
export function describeUserAgent(userAgent: string | null): Device {
	if (!userAgent) return { browser: null, system: null };
	return {
		browser: BROWSERS.find(([re]) => re.test(userAgent))?.[1] ?? null,
		system: SYSTEMS.find(([re]) => re.test(userAgent))?.[1] ?? null
	};
}

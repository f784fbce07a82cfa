import { sessionCookieOptions } from './cookies.ts';
import type { Db } from './db.ts';
import { generateSessionToken, sessionIdFromToken } from './session.ts';

/**
 * Device cookies: after a successful sign-in the browser gets a long-lived
 * random token bound to the account. On a later attempt for that same account
 * from that browser, the throttle counts under the device's own key instead of
 * the account's and the address's, so an attacker who locks the account (or a
 * gemeente's shared address) does not lock out its owner. A stolen cookie
 * gains nothing but its own, equally strict, budget.
 */
export const DEVICE_COOKIE = 'kring_device';
export const DEVICE_MAX_AGE_DAYS = 365;
const MAX_DEVICES_PER_USER = 20;

export function deviceKey(deviceId: string): string {
	return `device:${deviceId}`;
}

/** The device id a cookie proves for this account, or null (unknown, expired, or another account's). */
export async function deviceFor(db: Db, token: string | undefined, userId: string | undefined, now = Date.now()): Promise<string | null> {
	if (!token || !userId || !/^[a-z2-7]{32}$/.test(token)) return null;
	const id = sessionIdFromToken(token);
	const row = await db.selectFrom('login_devices').select(['user_id', 'created_at']).where('id', '=', id).executeTakeFirst();
	if (!row || row.user_id !== userId) return null;
	if (now - row.created_at > DEVICE_MAX_AGE_DAYS * 86_400_000) return null;
	return id;
}

/** Remembers this browser for the account after a successful sign-in; returns the cookie's token. */
export async function rememberDevice(db: Db, userId: string, existingId: string | null, now = Date.now()): Promise<string | null> {
	if (existingId) {
		await db.updateTable('login_devices').set({ last_used_at: now }).where('id', '=', existingId).execute();
		return null;
	}
	const token = generateSessionToken();
	await db.insertInto('login_devices').values({ id: sessionIdFromToken(token), user_id: userId, created_at: now, last_used_at: now }).execute();
	// Keep the newest few per account.
	const stale = await db
		.selectFrom('login_devices')
		.select('id')
		.where('user_id', '=', userId)
		.orderBy('last_used_at', 'desc')
		.offset(MAX_DEVICES_PER_USER)
		.limit(1000)
		.execute();
	if (stale.length) await db.deleteFrom('login_devices').where('id', 'in', stale.map((r) => r.id)).execute();
	return token;
}

interface CookieJar {
	get(name: string): string | undefined;
	set(name: string, value: string, options: { path: string; httpOnly: boolean; secure: boolean; expires: Date; sameSite: 'strict' }): void;
}

/**
 * After a complete sign-in (password, and the second step where there is one):
 * remember this browser for the account, setting the cookie when it is new.
 */
export async function rememberDeviceCookie(db: Db, cookies: CookieJar, url: URL, userId: string): Promise<void> {
	const existing = await deviceFor(db, cookies.get(DEVICE_COOKIE), userId);
	const token = await rememberDevice(db, userId, existing);
	if (token) {
		cookies.set(DEVICE_COOKIE, token, { ...sessionCookieOptions(url, Date.now() + DEVICE_MAX_AGE_DAYS * 86_400_000), sameSite: 'strict' });
	}
}

/** After a password reset or change, every remembered browser must prove itself again. */
export async function forgetDevices(db: Db, userId: string): Promise<void> {
	await db.deleteFrom('login_devices').where('user_id', '=', userId).execute();
}

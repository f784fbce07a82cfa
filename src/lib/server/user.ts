import type { Db } from './db.ts';
import { newId } from './id.ts';
import { hashPassword } from './password.ts';

export interface User {
	id: string;
	email: string;
	name: string;
	color: string;
}

/** Presence colours with at least 4.5:1 contrast against white text. */
const COLORS = ['#1f5fa8', '#a3361f', '#2e6b30', '#7a3e9d', '#8a5a00', '#00677f', '#b0245d', '#4a5568'];

export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

export function colorFor(seed: string): string {
	let h = 0;
	for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
	return COLORS[h % COLORS.length];
}

export async function createUser(
	db: Db,
	input: { email: string; name: string; password: string | null }
): Promise<User> {
	const email = normalizeEmail(input.email);
	const user: User = { id: newId(), email, name: input.name, color: colorFor(email) };
	await db
		.insertInto('users')
		.values({
			...user,
			password_hash: input.password === null ? null : await hashPassword(input.password),
			created_at: Date.now()
		})
		.execute();
	return user;
}

export async function getUserByEmail(db: Db, email: string) {
	return db
		.selectFrom('users')
		.select(['id', 'email', 'name', 'color', 'password_hash'])
		.where('email', '=', normalizeEmail(email))
		.executeTakeFirst();
}

export async function getPasswordHash(db: Db, userId: string): Promise<string | null> {
	const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
	return row?.password_hash ?? null;
}

export async function setPassword(db: Db, userId: string, password: string): Promise<void> {
	await db.updateTable('users').set({ password_hash: await hashPassword(password) }).where('id', '=', userId).execute();
}

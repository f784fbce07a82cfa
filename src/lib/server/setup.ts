import { recordAudit } from './audit.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import { checkPasswordStrength, hashPassword, type PasswordProblem } from './password.ts';
import { generateSessionToken, sessionIdFromToken } from './session.ts';
import { colorFor, normalizeEmail, type User } from './user.ts';

/**
 * First start: how an installation gets its first instance admin.
 *
 * A setup link `/installatie/<token>` carries a 160-bit random token (base32,
 * like a session token); the database keeps only its SHA-256, so a copy of the
 * database opens no door. Two kinds of link:
 *
 *  - the first-start link, logged by `npm start` while the installation has no
 *    account at all. It works only while no account exists and only once. Each
 *    start without accounts replaces it: the earlier, unused first-start link
 *    stops working, so only the link in the newest log line opens the page.
 *  - an invitation link from `npm run kring -- create-admin --invite`, bound to
 *    one e-mail address and valid for INVITE_VALID_MS; it works whether or not
 *    other accounts exist (a second instance admin), once.
 *
 * Using a link creates the account with instance_admin = 1, spends the token
 * and writes the audit row in one transaction.
 */

export const SETUP_TOKEN_PATTERN = /^[a-z2-7]{32}$/;
export const SETUP_PATH = '/installatie';
export const INVITE_VALID_MS = 14 * 24 * 3_600_000;
export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 254;

export async function hasAnyUser(db: Db): Promise<boolean> {
	const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
	return row !== undefined;
}

/** The address the server is reached at, for links in the log and the CLI's output. */
export function setupBaseUrl(config: { origin: string | null; host: string; port: number }): string {
	if (config.origin) return config.origin;
	const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
	return `http://${host}:${config.port}`;
}

export function setupUrl(baseUrl: string, token: string): string {
	return `${baseUrl.replace(/\/$/, '')}${SETUP_PATH}/${token}`;
}

async function insertToken(db: Db, input: { email: string | null; expiresAt: number | null; now: number }): Promise<string> {
	const token = generateSessionToken();
	await db
		.insertInto('setup_tokens')
		.values({ token_hash: sessionIdFromToken(token), email: input.email, created_at: input.now, expires_at: input.expiresAt, used_at: null, used_by: null })
		.execute();
	return token;
}

/**
 * At start: when no account exists, a fresh first-start token (earlier unused
 * ones are dropped); otherwise null, and no link is made.
 */
export async function prepareFirstStart(db: Db, now = Date.now()): Promise<string | null> {
	return db.transaction().execute(async (trx) => {
		await trx.deleteFrom('setup_tokens').where('email', 'is', null).where('used_at', 'is', null).execute();
		if (await hasAnyUser(trx)) return null;
		return insertToken(trx, { email: null, expiresAt: null, now });
	});
}

/** An invitation link for one address (the CLI's --invite); valid for INVITE_VALID_MS, once. */
export async function createAdminInvitation(db: Db, email: string, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
	const expiresAt = now + INVITE_VALID_MS;
	const token = await insertToken(db, { email: normalizeEmail(email), expiresAt, now });
	return { token, expiresAt };
}

export interface SetupTokenInfo {
	/** the address the link is for; null for the first-start link (the person types one) */
	email: string | null;
}

/** What a link may still do; null for a malformed, unknown, used, expired or (first-start) outdated token. */
export async function findSetupToken(db: Db, token: string, now = Date.now()): Promise<SetupTokenInfo | null> {
	if (!SETUP_TOKEN_PATTERN.test(token)) return null;
	const row = await db
		.selectFrom('setup_tokens')
		.select(['email', 'used_at', 'expires_at'])
		.where('token_hash', '=', sessionIdFromToken(token))
		.executeTakeFirst();
	if (!row || row.used_at !== null) return null;
	if (row.expires_at !== null && now >= row.expires_at) return null;
	if (row.email === null && (await hasAnyUser(db))) return null;
	return { email: row.email };
}

export type CreateAdminResult =
	| { ok: true; user: User }
	| { ok: false; reason: 'token' }
	| { ok: false; reason: 'email_taken' }
	| { ok: false; reason: 'email_mismatch' }
	| { ok: false; reason: 'name' }
	| { ok: false; reason: 'password'; problem: Exclude<PasswordProblem, null> };

export interface CreateAdminInput {
	name: string;
	email: string;
	password: string;
	/** the setup link's token; absent: the CLI, run by someone with the server's shell */
	token?: string;
	/** the client address (audit) */
	origin?: string | null;
	now?: number;
}

class Refused extends Error {
	constructor(readonly result: Exclude<CreateAdminResult, { ok: true }>) {
		super(result.reason);
	}
}

/**
 * Creates an instance admin. With a token, the token is spent in the same
 * transaction; a first-start token is refused once any account exists.
 */
export async function createInstanceAdmin(db: Db, input: CreateAdminInput): Promise<CreateAdminResult> {
	const now = input.now ?? Date.now();
	const name = input.name.trim();
	const email = normalizeEmail(input.email);
	if (name.length === 0 || [...name].length > NAME_MAX_LENGTH) return { ok: false, reason: 'name' };
	const problem = checkPasswordStrength(input.password, { email });
	if (problem) return { ok: false, reason: 'password', problem };
	if (input.token !== undefined && !SETUP_TOKEN_PATTERN.test(input.token)) return { ok: false, reason: 'token' };
	// argon2 takes a while: hash before the transaction holds the one connection
	const passwordHash = await hashPassword(input.password);
	const user: User = { id: newId(), email, name, color: colorFor(email) };
	try {
		await db.transaction().execute(async (trx) => {
			if (input.token !== undefined) {
				const tokenHash = sessionIdFromToken(input.token);
				const row = await trx.selectFrom('setup_tokens').select(['email', 'expires_at']).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
				if (!row || (row.expires_at !== null && now >= row.expires_at)) throw new Refused({ ok: false, reason: 'token' });
				if (row.email === null && (await hasAnyUser(trx))) throw new Refused({ ok: false, reason: 'token' });
				if (row.email !== null && row.email !== email) throw new Refused({ ok: false, reason: 'email_mismatch' });
				const spent = await trx
					.updateTable('setup_tokens')
					.set({ used_at: now })
					.where('token_hash', '=', tokenHash)
					.where('used_at', 'is', null)
					.executeTakeFirst();
				if (Number(spent.numUpdatedRows) !== 1) throw new Refused({ ok: false, reason: 'token' });
			}
			const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
			if (existing) throw new Refused({ ok: false, reason: 'email_taken' });
			await trx
				.insertInto('users')
				.values({ ...user, password_hash: passwordHash, created_at: now, instance_admin: 1 })
				.execute();
			if (input.token !== undefined) {
				await trx.updateTable('setup_tokens').set({ used_by: user.id }).where('token_hash', '=', sessionIdFromToken(input.token)).execute();
				// the first admin exists: no other first-start link may make a second one
				await trx.deleteFrom('setup_tokens').where('email', 'is', null).where('used_at', 'is', null).execute();
			}
			await recordAudit(trx, {
				action: 'setup.admin_created',
				actor: { id: user.id, name: user.name },
				object: { type: 'user', id: user.id, label: user.email },
				origin: input.origin ?? null,
				detail: { via: input.token === undefined ? 'cli' : 'link' },
				at: now
			});
		});
	} catch (err) {
		if (err instanceof Refused) return err.result;
		// two requests with the same new address at once: the unique index decides
		if (err instanceof Error && /UNIQUE constraint failed: users\.email/.test(err.message)) return { ok: false, reason: 'email_taken' };
		throw err;
	}
	return { ok: true, user };
}

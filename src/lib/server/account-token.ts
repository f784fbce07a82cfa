import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Kysely, Transaction } from 'kysely';
import type { AccountTokenKind, Database } from './schema.ts';

/**
 * Links sent by mail that act on an account once (password reset, e-mail
 * change). Contract:
 *  - the token is 160 random bits; the database holds only its hex SHA-256,
 *    so a copy of the database opens no link;
 *  - a link works once and for an hour; issuing a new one of the same kind
 *    for the same account voids the older ones;
 *  - "once" is enforced by a conditional UPDATE (used_at IS NULL) inside the
 *    caller's transaction, so two clicks at the same moment cannot both win.
 */
export const LINK_TTL_MS = 60 * 60 * 1000;

type Writer = Kysely<Database> | Transaction<Database>;

export type LinkProblem = 'unknown' | 'used' | 'expired';

export interface AccountTokenRow {
	id: string;
	userId: string;
	newEmail: string | null;
	expiresAt: number;
}

export function generateLinkToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashSecret(secret: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

/** A token's shape: anything else is 'unknown' without a database look-up. */
export function looksLikeLinkToken(token: string): boolean {
	return /^[a-z2-7]{32}$/.test(token);
}

export async function issueAccountToken(
	db: Writer,
	input: { kind: AccountTokenKind; userId: string; newEmail?: string | null; now: number }
): Promise<{ token: string; expiresAt: number }> {
	const token = generateLinkToken();
	const expiresAt = input.now + LINK_TTL_MS;
	await db
		.updateTable('account_tokens')
		.set({ used_at: input.now })
		.where('user_id', '=', input.userId)
		.where('kind', '=', input.kind)
		.where('used_at', 'is', null)
		.execute();
	await db
		.insertInto('account_tokens')
		.values({
			id: hashSecret(token),
			kind: input.kind,
			user_id: input.userId,
			new_email: input.newEmail ?? null,
			created_at: input.now,
			expires_at: expiresAt,
			used_at: null
		})
		.execute();
	return { token, expiresAt };
}

export async function findAccountToken(
	db: Writer,
	input: { kind: AccountTokenKind; token: string; now: number }
): Promise<{ ok: true; row: AccountTokenRow } | { ok: false; problem: LinkProblem }> {
	if (!looksLikeLinkToken(input.token)) return { ok: false, problem: 'unknown' };
	const row = await db
		.selectFrom('account_tokens')
		.select(['id', 'user_id', 'new_email', 'expires_at', 'used_at'])
		.where('id', '=', hashSecret(input.token))
		.where('kind', '=', input.kind)
		.executeTakeFirst();
	if (!row) return { ok: false, problem: 'unknown' };
	if (row.used_at !== null) return { ok: false, problem: 'used' };
	if (input.now >= row.expires_at) return { ok: false, problem: 'expired' };
	return { ok: true, row: { id: row.id, userId: row.user_id, newEmail: row.new_email, expiresAt: row.expires_at } };
}

/** Marks the token used; false when another request used it first. */
export async function useAccountToken(db: Writer, id: string, now: number): Promise<boolean> {
	const result = await db
		.updateTable('account_tokens')
		.set({ used_at: now })
		.where('id', '=', id)
		.where('used_at', 'is', null)
		.where('expires_at', '>', now)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

import { hash, verify } from '@node-rs/argon2';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

/** A hash that no password verifies against, used to spend equal time on unknown accounts. */
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
	if (passwordHash === null) {
		dummyHash ??= hashPassword(crypto.randomUUID());
		await verify(await dummyHash, password);
		return false;
	}
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

export type PasswordProblem = 'too_short' | 'too_long' | 'same_as_email' | 'too_simple' | 'common' | null;

let common: Set<string> | undefined;
function isCommon(password: string): boolean {
	common ??= new Set(COMMON_PASSWORDS.split('\n'));
	return common.has(password.toLowerCase());
}

/**
 * NIST 800-63B / ASVS 6.2: 8 to 128 characters, no composition rules, but not
 * a password attackers try first — one of the ~10 000 most common, the
 * account's own e-mail address (or its name part), or a single repeated
 * character or only spaces.
 */
export function checkPasswordStrength(password: string, context: { email?: string } = {}): PasswordProblem {
	const chars = [...password];
	if (chars.length < PASSWORD_MIN_LENGTH) return 'too_short';
	if (chars.length > PASSWORD_MAX_LENGTH) return 'too_long';
	if (password.trim() === '' || new Set(chars).size === 1) return 'too_simple';
	const email = context.email?.trim().toLowerCase();
	if (email) {
		const lower = password.trim().toLowerCase();
		const local = email.split('@')[0];
		if (lower === email || (local.length >= 4 && lower === local)) return 'same_as_email';
	}
	if (isCommon(password)) return 'common';
	return null;
}

import { hash, verify } from '@node-rs/argon2';

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

export type PasswordProblem = 'too_short' | 'too_long' | null;

/** Length is the only rule (NIST 800-63B): 8 to 128 characters. */
export function checkPasswordStrength(password: string): PasswordProblem {
	const length = [...password].length;
	if (length < PASSWORD_MIN_LENGTH) return 'too_short';
	if (length > PASSWORD_MAX_LENGTH) return 'too_long';
	return null;
}

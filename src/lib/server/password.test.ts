import { describe, expect, it } from 'vitest';
import { checkPasswordStrength, hashPassword, verifyPassword } from './password.ts';

describe('passwords', () => {
	it('hash with argon2id and verify the right password only', async () => {
		const hash = await hashPassword('correct horse battery');
		expect(hash.startsWith('$argon2id$')).toBe(true);
		expect(hash).toContain('m=19456,t=2,p=1');
		expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
		expect(await verifyPassword(hash, 'correct horse batterY')).toBe(false);
	});

	it('never verify against an account without a password', async () => {
		expect(await verifyPassword(null, 'anything')).toBe(false);
	});

	it('accept 8 to 128 characters, counted as characters not bytes', () => {
		expect(checkPasswordStrength('1234567')).toBe('too_short');
		expect(checkPasswordStrength('12345678')).toBeNull();
		expect(checkPasswordStrength('ë'.repeat(128))).toBeNull();
		expect(checkPasswordStrength('x'.repeat(129))).toBe('too_long');
	});
});

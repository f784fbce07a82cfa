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
		expect(checkPasswordStrength('k3rn-ui7z')).toBeNull();
		expect(checkPasswordStrength('ëa'.repeat(64))).toBeNull();
		expect(checkPasswordStrength('xy'.repeat(64) + 'z')).toBe('too_long');
	});

	it('refuse the most common passwords, whatever their case', () => {
		expect(checkPasswordStrength('password')).toBe('common');
		expect(checkPasswordStrength('12345678')).toBe('common');
		expect(checkPasswordStrength('Welkom123')).toBe('common');
		expect(checkPasswordStrength('samen-veilig-2026')).toBeNull();
	});

	it("refuse the account's own e-mail address or its name part", () => {
		expect(checkPasswordStrength('Els.de.Wit@gemeente.nl', { email: 'els.de.wit@gemeente.nl' })).toBe('same_as_email');
		expect(checkPasswordStrength('els.de.wit', { email: 'els.de.wit@gemeente.nl' })).toBe('same_as_email');
		expect(checkPasswordStrength('els.de.wit-2026!', { email: 'els.de.wit@gemeente.nl' })).toBeNull();
	});

	it('refuse only spaces or one character repeated', () => {
		expect(checkPasswordStrength('          ')).toBe('too_simple');
		expect(checkPasswordStrength('qqqqqqqqqqqq')).toBe('too_simple');
	});
});

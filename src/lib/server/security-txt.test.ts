import { describe, expect, it } from 'vitest';
import { securityTxt } from './security-txt.ts';

describe('security.txt', () => {
	it('has Contact, Expires a year ahead and the preferred languages (RFC 9116)', () => {
		const text = securityTxt('mailto:security@gemeente.example', null, new Date('2026-12-01T21:00:00.123Z'));
		expect(text).toBe('Contact: mailto:security@gemeente.example\nExpires: 2027-12-01T21:00:00Z\nPreferred-Languages: nl, en\n');
	});

	it('names its canonical address only when ORIGIN is configured', () => {
		const text = securityTxt('https://gemeente.example/melden', 'https://kring.gemeente.example', new Date('2026-01-01T00:00:00Z'));
		expect(text).toContain('Canonical: https://kring.gemeente.example/.well-known/security.txt\n');
		expect(text).toContain('Expires: 2027-01-01T00:00:00Z');
	});
});

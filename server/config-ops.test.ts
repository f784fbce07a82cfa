import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';

describe('readConfig: operations settings', () => {
	it('leaves metrics, security.txt and the contact address off by default', () => {
		const config = readConfig({});
		expect(config.metricsToken).toBeNull();
		expect(config.securityContact).toBeNull();
		expect(config.contactEmail).toBeNull();
	});

	it('takes a METRICS_TOKEN of at least 16 visible characters and refuses others', () => {
		expect(readConfig({ METRICS_TOKEN: ' 0123456789abcdef ' }).metricsToken).toBe('0123456789abcdef');
		expect(() => readConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
		expect(() => readConfig({ METRICS_TOKEN: 'has a space in the token' })).toThrow(/METRICS_TOKEN/);
	});

	it('turns a bare SECURITY_CONTACT address into mailto: and refuses other schemes', () => {
		expect(readConfig({ SECURITY_CONTACT: 'security@gemeente.example' }).securityContact).toBe('mailto:security@gemeente.example');
		expect(readConfig({ SECURITY_CONTACT: 'https://gemeente.example/kwetsbaarheid' }).securityContact).toBe('https://gemeente.example/kwetsbaarheid');
		expect(() => readConfig({ SECURITY_CONTACT: 'http://gemeente.example' })).toThrow(/SECURITY_CONTACT/);
		expect(() => readConfig({ SECURITY_CONTACT: 'bel ons' })).toThrow(/SECURITY_CONTACT/);
	});

	it('takes a CONTACT_EMAIL address and refuses something else', () => {
		expect(readConfig({ CONTACT_EMAIL: 'kring@gemeente.example' }).contactEmail).toBe('kring@gemeente.example');
		expect(() => readConfig({ CONTACT_EMAIL: 'geen adres' })).toThrow(/CONTACT_EMAIL/);
	});
});

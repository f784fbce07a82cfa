import { describe, expect, it } from 'vitest';
import { originAllowed } from './authorize.ts';

describe('socket origin check', () => {
	it('accept the page of the same scheme and host', () => {
		expect(originAllowed('http://kring.test:3000', 'kring.test:3000', null, 'http')).toBe(true);
		expect(originAllowed('https://kring.test', 'kring.test', null, 'https')).toBe(true);
	});

	it('refuse the same host under another scheme when ORIGIN is not set', () => {
		expect(originAllowed('https://kring.test', 'kring.test', null, 'http')).toBe(false);
		expect(originAllowed('http://kring.test', 'kring.test', null, 'https')).toBe(false);
	});

	it('refuse another host, a malformed Origin, and anything but ORIGIN when it is set', () => {
		expect(originAllowed('http://evil.test', 'kring.test', null, 'http')).toBe(false);
		expect(originAllowed('%', 'kring.test', null, 'http')).toBe(false);
		expect(originAllowed('http://kring.test', 'kring.test', 'https://kring.test', 'http')).toBe(false);
		expect(originAllowed('https://kring.test', 'kring.test', 'https://kring.test', 'http')).toBe(true);
	});
});

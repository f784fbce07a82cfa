import { describe, expect, it } from 'vitest';
import { badRequestTarget, forwardedProtocol } from './request-gate.ts';

describe('request gate', () => {
	it('refuse a path whose percent-encoding cannot be decoded', () => {
		for (const target of ['/%', '/%c0', '/plannen/%c0%af', '/%zz', '/%e2%82']) expect(badRequestTarget(target)).toBe('path_encoding');
	});

	it('refuse control characters hidden in the path', () => {
		expect(badRequestTarget('/plannen/%00')).toBe('path_control_character');
		expect(badRequestTarget('/a%0d%0aSet-Cookie:x')).toBe('path_control_character');
	});

	it('refuse a query that is not UTF-8, and targets that are not paths', () => {
		expect(badRequestTarget('/zoeken?q=%c0%af')).toBe('query_encoding');
		expect(badRequestTarget('http://evil.example/')).toBe('target_not_path');
		expect(badRequestTarget('*')).toBe('target_not_path');
	});

	it('let ordinary paths and queries through, encoded Dutch letters too', () => {
		for (const target of ['/', '/plannen/abc?x=1', '/zoeken?q=co%C3%B6rdinatie', '/zoeken?q=a+b', '/_app/immutable/x.js']) {
			expect(badRequestTarget(target)).toBeNull();
		}
	});

	it("read a proxy's protocol list by its first entry and refuse unknown protocols", () => {
		expect(forwardedProtocol(undefined)).toBe('http');
		expect(forwardedProtocol('https, http')).toBe('https');
		expect(forwardedProtocol('javascript')).toBeUndefined();
	});
});

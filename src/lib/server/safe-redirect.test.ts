import { describe, expect, it } from 'vitest';
import { safeRedirect } from './safe-redirect.ts';

const ORIGIN = 'https://kring.example.nl';

describe('safe redirect after sign-in', () => {
	it('keep a path of this site with its query', () => {
		expect(safeRedirect('/plannen/abc?tab=bord#thema-2', ORIGIN)).toBe('/plannen/abc?tab=bord#thema-2');
		expect(safeRedirect('/zoeken?q=co%C3%B6rdinatie', ORIGIN)).toBe('/zoeken?q=co%C3%B6rdinatie');
	});

	it('send every payload that leaves the site to /', () => {
		const payloads = [
			'//evil.example', '/\t/evil.example', '/\\evil.example', '/\\/evil.example', '\\\\evil.example', '/\n/evil.example',
			'/\r/evil.example', ' //evil.example', '/ /evil.example', 'https://evil.example', 'http:evil.example', 'javascript:alert(1)',
			'evil.example', '/\u0000/evil.example', '/\u007f/evil.example', '/%09/evil.example', '/%2F%2Fevil.example',
			'/%5cevil.example', '/.//evil.example', '/..//evil.example', '/./../\\evil.example', `/${'a'.repeat(3000)}`
		];
		for (const payload of payloads) {
			const target = safeRedirect(payload, ORIGIN);
			const landed = new URL(target, ORIGIN);
			expect(landed.origin, payload).toBe(ORIGIN);
			expect(target.startsWith('//'), payload).toBe(false);
			expect(decodeURIComponent(target), payload).not.toMatch(/[\t\n\\]|^\/\//);
		}
	});

	it('land on / without a target', () => {
		expect(safeRedirect(undefined, ORIGIN)).toBe('/');
		expect(safeRedirect('', ORIGIN)).toBe('/');
	});
});

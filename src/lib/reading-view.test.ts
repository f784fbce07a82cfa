import { describe, expect, it } from 'vitest';
import { readingChosen } from './reading-view.ts';

describe('readingChosen', () => {
	it('is true only for the user whose id the cookie holds', () => {
		expect(readingChosen('a=1; kring_leesweergave=u123; b=2', 'u123')).toBe(true);
		expect(readingChosen('kring_leesweergave=u123', 'u999')).toBe(false);
		expect(readingChosen('kring_leesweergave=', 'u123')).toBe(false);
		expect(readingChosen('', 'u123')).toBe(false);
		expect(readingChosen(undefined, 'u123')).toBe(false);
	});
});

import { describe, expect, it } from 'vitest';
import { markLines } from './theme-text-marks.ts';

describe('markLines', () => {
	it('marks the first place a quote is found and leaves the rest of the line as text', () => {
		expect(markLines(['Samen werken we aan veiligheid.'], [{ threadId: 't1', quote: 'werken we' }])).toEqual([
			[{ text: 'Samen ' }, { text: 'werken we', threadId: 't1', quote: 'werken we' }, { text: ' aan veiligheid.' }]
		]);
	});

	it('finds a passage that spans lines by its first line', () => {
		const lines = markLines(['Eerste regel.', 'Tweede regel met meer.'], [{ threadId: 't1', quote: 'Tweede regel\nen verder' }]);
		expect(lines[1][0]).toEqual({ text: 'Tweede regel', threadId: 't1', quote: 'Tweede regel\nen verder' });
	});

	it('gives two threads on the same words two places, and none when the words are gone', () => {
		const lines = markLines(['ja en ja'], [
			{ threadId: 'a', quote: 'ja' },
			{ threadId: 'b', quote: 'ja' },
			{ threadId: 'c', quote: 'nee' }
		]);
		expect(lines[0].filter((s) => s.threadId).map((s) => s.threadId)).toEqual(['a', 'b']);
		expect(lines[0].map((s) => s.text).join('')).toBe('ja en ja');
	});
});

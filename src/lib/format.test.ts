import { describe, expect, it } from 'vitest';
import { formatEuro, formatMonth, formatPlanning } from './format.ts';

describe('Dutch formatting', () => {
	it('writes euro amounts the Dutch way', () => {
		expect(formatEuro(155000).replace(/\s/g, ' ')).toBe('€ 155.000');
	});

	it('writes months short and lowercase', () => {
		expect(formatMonth('2024-02')).toBe('feb 2024');
		expect(formatMonth('ongoing')).toBe('doorlopend');
		expect(formatMonth('2024-13')).toBe('');
	});

	it('joins a planning range', () => {
		expect(formatPlanning('2024-01', '2025-06')).toBe('jan 2024 – jun 2025');
	});
});

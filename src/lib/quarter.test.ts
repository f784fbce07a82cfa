import { describe, expect, it } from 'vitest';
import { planningYears, quarterMonth, quarterOf } from './quarter.ts';

describe('quarters on month planning', () => {
	it('starts a quarter in its first month and ends it in its last', () => {
		expect(quarterMonth(2024, 1, 'start')).toBe('2024-01');
		expect(quarterMonth(2024, 3, 'start')).toBe('2024-07');
		expect(quarterMonth(2024, 3, 'end')).toBe('2024-09');
		expect(quarterMonth(2025, 4, 'end')).toBe('2025-12');
	});

	it('recognises a month as a quarter edge only on the matching side', () => {
		expect(quarterOf('2024-07', 'start')).toEqual({ year: 2024, quarter: 3 });
		expect(quarterOf('2024-09', 'end')).toEqual({ year: 2024, quarter: 3 });
		expect(quarterOf('2024-09', 'start')).toBeNull();
		expect(quarterOf('2024-08', 'end')).toBeNull();
	});

	it('reads nothing from an empty, ongoing or malformed value', () => {
		for (const value of [null, '', 'ongoing', '2024-13', '24-01']) expect(quarterOf(value, 'start')).toBeNull();
	});

	it("offers the plan's years and one either side", () => {
		expect(planningYears(2024, 2028)).toEqual([2023, 2024, 2025, 2026, 2027, 2028, 2029]);
	});
});

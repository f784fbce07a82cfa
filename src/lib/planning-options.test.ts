import { describe, expect, it } from 'vitest';
import { dutchMonth, planningGroups, planningUnitOf, planYears } from './planning-options.ts';

const q = (quarter: number, year: number) => `${quarter}e kwartaal ${year}`;

describe('planning options', () => {
	it('offers the plan’s years, and the year of a value outside them', () => {
		expect(planYears(2025, 2027)).toEqual([2025, 2026, 2027]);
		expect(planYears(2025, 2026, ['2030-02', null, 'ongoing'])).toEqual([2025, 2026, 2030]);
	});

	it('names months in Dutch', () => {
		expect(dutchMonth('2025-03')).toBe('maart 2025');
		expect(dutchMonth('ongoing')).toBe('');
		const [year] = planningGroups([2025], 'month', 'start', q);
		expect(year.options.map((o) => o.label).slice(0, 3)).toEqual(['januari 2025', 'februari 2025', 'maart 2025']);
		expect(year.options[11]).toEqual({ value: '2025-12', label: 'december 2025' });
	});

	it('gives a start a quarter’s first month and an end its last', () => {
		expect(planningGroups([2025], 'quarter', 'start', q)[0].options[1]).toEqual({ value: '2025-04', label: '2e kwartaal 2025' });
		expect(planningGroups([2025], 'quarter', 'end', q)[0].options[1]).toEqual({ value: '2025-06', label: '2e kwartaal 2025' });
	});

	it('reads quarters only when every set month is a quarter edge', () => {
		expect(planningUnitOf('2025-04', '2025-09')).toBe('quarter');
		expect(planningUnitOf('2025-04', null)).toBe('quarter');
		expect(planningUnitOf('2025-05', '2025-09')).toBe('month');
		expect(planningUnitOf(null, null)).toBe('month');
	});
});

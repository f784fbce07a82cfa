/**
 * The planning choices of an action card: months or quarters of the plan's
 * years, named in Dutch whatever the browser's language (a month input
 * would show the browser's own month names and format).
 */
import { quarterMonth, quarterOf } from './quarter.ts';

export const DUTCH_MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export type PlanningUnit = 'month' | 'quarter';

export interface PlanningGroup {
	label: string;
	options: { value: string; label: string }[];
}

/** The plan's years, plus the year of a value that lies outside them (so it still shows). */
export function planYears(periodStart: number, periodEnd: number, values: (string | null | undefined)[] = []): number[] {
	const from = Math.min(periodStart, periodEnd);
	const to = Math.max(periodStart, periodEnd);
	const years = new Set(Array.from({ length: Math.min(to - from + 1, 20) }, (_, i) => from + i));
	for (const value of values) {
		const match = value ? MONTH.exec(value) : null;
		if (match) years.add(Number(match[1]));
	}
	return [...years].sort((a, b) => a - b);
}

/** '2025-04' → 'april 2025' */
export function dutchMonth(value: string | null | undefined): string {
	const match = value ? MONTH.exec(value) : null;
	return match ? `${DUTCH_MONTHS[Number(match[2]) - 1]} ${match[1]}` : '';
}

/** Options per year: the months, or the quarters (a start is a quarter's first month, an end its last). */
export function planningGroups(
	years: number[],
	unit: PlanningUnit,
	edge: 'start' | 'end',
	quarterLabel: (quarter: number, year: number) => string
): PlanningGroup[] {
	return years.map((year) => ({
		label: String(year),
		options:
			unit === 'month'
				? DUTCH_MONTHS.map((name, i) => ({ value: `${year}-${String(i + 1).padStart(2, '0')}`, label: `${name} ${year}` }))
				: [1, 2, 3, 4].map((quarter) => ({ value: quarterMonth(year, quarter, edge), label: quarterLabel(quarter, year) }))
	}));
}

/** Quarters when every month set is a quarter's edge (and at least one is set), else months. */
export function planningUnitOf(start: string | null | undefined, end: string | null | undefined): PlanningUnit {
	const set = [
		[start, 'start'],
		[end, 'end']
	].filter(([v]) => v && MONTH.test(v)) as [string, 'start' | 'end'][];
	return set.length > 0 && set.every(([v, edge]) => quarterOf(v, edge)) ? 'quarter' : 'month';
}

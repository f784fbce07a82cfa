/**
 * Quarters (kwartalen) on top of the month planning ('YYYY-MM'): a start in
 * a quarter is its first month, an end its last month.
 */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The month a quarter starts ('start') or ends ('end') with: (2024, 3, 'end') → '2024-09'. */
export function quarterMonth(year: number, quarter: number, edge: 'start' | 'end'): string {
	const month = (quarter - 1) * 3 + (edge === 'start' ? 1 : 3);
	return `${year}-${String(month).padStart(2, '0')}`;
}

/** The quarter whose first ('start') or last ('end') month `value` is; null for any other month. */
export function quarterOf(value: string | null | undefined, edge: 'start' | 'end'): { year: number; quarter: number } | null {
	const match = value ? MONTH.exec(value) : null;
	if (!match) return null;
	const month = Number(match[2]);
	const offset = edge === 'start' ? 1 : 0;
	if ((month - offset) % 3 !== 0) return null;
	return { year: Number(match[1]), quarter: Math.ceil(month / 3) };
}

/** The years of a plan's period, with one spare year either side for planning that runs over. */
export function planningYears(periodStart: number, periodEnd: number): number[] {
	const from = Math.min(periodStart, periodEnd) - 1;
	const to = Math.max(periodStart, periodEnd) + 1;
	return Array.from({ length: Math.min(to - from + 1, 20) }, (_, i) => from + i);
}

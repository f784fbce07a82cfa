/** nearest-rank percentile of an ascending array (may end in Infinity for missing samples) */
export function percentile(sorted: number[], q: number): number {
	if (sorted.length === 0) return NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[i];
}

/** median of the finite-or-infinite values; NaN entries (failed runs) are ignored */
export function median(values: number[]): number {
	const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
	if (v.length === 0) return NaN;
	const mid = v.length >> 1;
	if (v.length % 2 === 1) return v[mid];
	const a = v[mid - 1];
	const b = v[mid];
	return a === Infinity || b === Infinity ? Infinity : (a + b) / 2;
}

/** two-sided 95 % quantiles of Student's t for 1…30 degrees of freedom */
const T975 = [
	12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
	2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042
];

/**
 * 95 % confidence interval of the mean of `values` (Student's t, n − 1 degrees
 * of freedom; 1.96 beyond 30). Null with fewer than two values or when one is
 * not finite (a saturated run has no p99 to average).
 */
export function tInterval(values: number[]): { mean: number; lo: number; hi: number } | null {
	const v = values.filter((x) => !Number.isNaN(x));
	if (v.length < 2 || v.some((x) => !Number.isFinite(x))) return null;
	const n = v.length;
	const mean = v.reduce((a, b) => a + b, 0) / n;
	const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
	const half = (T975[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
	return { mean, lo: mean - half, hi: mean + half };
}

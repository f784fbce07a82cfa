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

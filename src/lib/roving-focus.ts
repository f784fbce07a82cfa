/**
 * A toolbar is one Tab stop; arrow keys, Home and End move between its buttons
 * (WAI-ARIA toolbar pattern). The index the key moves to, or null for a key
 * the toolbar does not handle.
 */
export function rovingTarget(key: string, index: number, count: number): number | null {
	const last = count - 1;
	if (key === 'ArrowRight') return index === last ? 0 : index + 1;
	if (key === 'ArrowLeft') return index === 0 ? last : index - 1;
	if (key === 'Home') return 0;
	if (key === 'End') return last;
	return null;
}

/** Markers the search index puts around matched words (private-use characters, never typed by people). */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

/** Splits a marked text into plain and matched parts, so a page renders matches as <mark> without HTML. */
export function markedParts(text: string): { text: string; mark: boolean }[] {
	const parts: { text: string; mark: boolean }[] = [];
	for (const [i, piece] of text.split(new RegExp(`[${MARK_START}${MARK_END}]`)).entries()) {
		if (piece) parts.push({ text: piece, mark: i % 2 === 1 });
	}
	return parts;
}

/** Where a search hit is shown. */
export function hitHref(hit: { kind: 'plan' | 'theme' | 'action'; id: string; planId: string }): string {
	if (hit.kind === 'action') return `/plannen/${hit.planId}/acties/${hit.id}`;
	if (hit.kind === 'theme') return `/plannen/${hit.planId}/themas/${hit.id}`;
	return `/plannen/${hit.planId}`;
}

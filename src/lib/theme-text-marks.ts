export interface MarkedPassage {
	threadId: string;
	quote: string;
}

export type Segment = { text: string; threadId?: string; quote?: string };

/**
 * The lines of a theme's plain text cut into segments, the passages of open
 * threads marked. A passage is found by its quote (its first line, when it
 * spans several): the first place in the text not already marked. A quote
 * that is no longer in the text marks nothing.
 */
export function markLines(lines: readonly string[], passages: readonly MarkedPassage[]): Segment[][] {
	const marks: { start: number; end: number; threadId: string; quote: string }[][] = lines.map(() => []);
	for (const passage of passages) {
		const needle = passage.quote.split('\n').find((part) => part.trim())?.trim();
		if (!needle) continue;
		search: for (let i = 0; i < lines.length; i++) {
			let from = 0;
			for (let at = lines[i].indexOf(needle, from); at >= 0; at = lines[i].indexOf(needle, from)) {
				const end = at + needle.length;
				if (!marks[i].some((m) => at < m.end && m.start < end)) {
					marks[i].push({ start: at, end, threadId: passage.threadId, quote: passage.quote });
					break search;
				}
				from = at + 1;
			}
		}
	}
	return lines.map((line, i) => {
		const segments: Segment[] = [];
		let pos = 0;
		for (const mark of marks[i].sort((a, b) => a.start - b.start)) {
			if (mark.start > pos) segments.push({ text: line.slice(pos, mark.start) });
			segments.push({ text: line.slice(mark.start, mark.end), threadId: mark.threadId, quote: mark.quote });
			pos = mark.end;
		}
		if (pos < line.length || segments.length === 0) segments.push({ text: line.slice(pos) });
		return segments;
	});
}

/**
 * A plan's own words for its levels (plans.levels, set on the plan's settings
 * page): one plan says "speerpunt", another "thema" or "doelstelling". Pages and
 * mails outside the plan name a plan's items with these words, never with a
 * fixed one. Client-safe: no server imports.
 */
export interface PlanWords {
	chapter: string;
	chapterPlural: string;
	theme: string;
	themePlural: string;
}

/** What a plan says when its levels are missing or unreadable (the words of a new plan). */
export const DEFAULT_PLAN_WORDS: PlanWords = Object.freeze({
	chapter: 'hoofdstuk',
	chapterPlural: 'hoofdstukken',
	theme: 'onderdeel',
	themePlural: 'onderdelen'
});

/** The stored JSON of plans.levels as words; a missing or empty word falls back to the default. */
export function parsePlanWords(levels: string | null | undefined): PlanWords {
	let parsed: Partial<Record<keyof PlanWords, unknown>> = {};
	try {
		const value: unknown = levels ? JSON.parse(levels) : {};
		if (value && typeof value === 'object') parsed = value as typeof parsed;
	} catch {
		// unreadable levels: the default words
	}
	const word = (key: keyof PlanWords) => {
		const w = parsed[key];
		return typeof w === 'string' && w.trim() ? w.trim() : DEFAULT_PLAN_WORDS[key];
	};
	return { chapter: word('chapter'), chapterPlural: word('chapterPlural'), theme: word('theme'), themePlural: word('themePlural') };
}

/** "speerpunt" → "Speerpunt", for a word at the start of a sentence or label. */
export function capitalise(word: string): string {
	return word ? word.charAt(0).toLocaleUpperCase('nl') + word.slice(1) : word;
}

/** "Speerpunt" → "speerpunt" inside a sentence; a word in capitals throughout (an abbreviation, "GGD") stays as it is. */
export function inSentence(word: string): string {
	if (word.length > 1 && word === word.toLocaleUpperCase('nl')) return word;
	return word ? word.charAt(0).toLocaleLowerCase('nl') + word.slice(1) : word;
}

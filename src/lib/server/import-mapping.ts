import * as v from 'valibot';
import type { ImportMapping } from './word-import.ts';

/**
 * The mapping a user chose on the import page (or sent to the API) as form
 * fields: which heading level is a chapter or theme, the plan's words, which
 * card labels are fields, which table column is regional or local. Fields
 * left out keep the detected value.
 */
const Level = v.pipe(v.string(), v.regex(/^[1-6]$/), v.transform(Number));
const Column = v.pipe(v.string(), v.regex(/^(-1|[0-9])$/), v.transform(Number));
const Word = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(40));

const MappingForm = v.object({
	chapterLevel: v.optional(v.union([v.literal('none'), Level])),
	themeLevel: v.optional(Level),
	regionalColumn: v.optional(Column),
	localColumn: v.optional(Column),
	cardLevel: v.optional(v.picklist(['auto', 'regional', 'local'])),
	chapterWord: v.optional(Word),
	chapterPluralWord: v.optional(Word),
	themeWord: v.optional(Word),
	themePluralWord: v.optional(Word)
});

/** Reads the mapping fields of a form; null when one of them is bad input. */
export function mappingFromForm(form: FormData): Partial<ImportMapping> | null {
	const raw: Record<string, string> = {};
	for (const key of Object.keys(MappingForm.entries)) {
		const value = form.get(key);
		if (typeof value === 'string' && value !== '') raw[key] = value;
	}
	const parsed = v.safeParse(MappingForm, raw);
	if (!parsed.success) return null;
	const input = parsed.output;
	const mapping: Partial<ImportMapping> = {};
	if (input.chapterLevel !== undefined) mapping.chapterLevel = input.chapterLevel === 'none' ? null : input.chapterLevel;
	if (input.themeLevel !== undefined) mapping.themeLevel = input.themeLevel;
	if (mapping.chapterLevel != null && mapping.chapterLevel === mapping.themeLevel) return null;
	if (input.regionalColumn !== undefined) mapping.regionalColumn = input.regionalColumn;
	if (input.localColumn !== undefined) mapping.localColumn = input.localColumn;
	if (input.cardLevel !== undefined) mapping.cardLevel = input.cardLevel === 'auto' ? null : input.cardLevel;
	if (input.chapterWord && input.chapterPluralWord && input.themeWord && input.themePluralWord) {
		mapping.words = { chapter: input.chapterWord, chapterPlural: input.chapterPluralWord, theme: input.themeWord, themePlural: input.themePluralWord };
	}
	// The card field checkboxes: only when the form showed them (an empty choice is a choice).
	if (form.get('cardFieldsShown') === '1') {
		const labels = form.getAll('cardField').filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= 200);
		mapping.cardFields = labels.slice(0, 100);
	}
	return mapping;
}

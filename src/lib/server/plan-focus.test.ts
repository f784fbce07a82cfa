import { describe, expect, it } from 'vitest';
import { keepFocus, type DocumentAction, type DocumentTheme, type PlanDocument } from './plan-document.ts';

const action = (id: string) => ({ id, title: `Actie ${id}` }) as DocumentAction;
const theme = (id: string, regional: string[], local: string[] = []): DocumentTheme => ({
	id,
	number: null,
	title: `Thema ${id}`,
	ambassadors: [],
	sections: [],
	regional: regional.map(action),
	local: local.map(action)
});
const plan = {
	chapters: [
		{ title: 'Een', themes: [theme('t1', ['a1', 'a2'], ['a3']), theme('t2', ['a4'])] },
		{ title: 'Twee', themes: [theme('t3', ['a5'])] }
	]
} as unknown as PlanDocument;
const shape = (doc: PlanDocument) =>
	doc.chapters.map((c) => [c.title, c.themes.map((t) => [t.id, [...t.regional, ...t.local].map((a) => a.id)])]);

describe('keepFocus', () => {
	it('keeps a theme in focus whole, and of other themes only their actions in focus', () => {
		expect(shape(keepFocus(plan, new Set(['t2', 'a3'])))).toEqual([['Een', [['t1', ['a3']], ['t2', ['a4']]]]]);
	});

	it('leaves out chapters and themes with nothing in focus', () => {
		expect(shape(keepFocus(plan, new Set(['a5'])))).toEqual([['Twee', [['t3', ['a5']]]]]);
		expect(keepFocus(plan, new Set()).chapters).toEqual([]);
	});
});

import type { Status } from '../action-doc.ts';
import type { DocumentAction, DocumentTheme, PlanDocument } from './plan-document.ts';
import { isEmptyRich, richToHtml } from './rich-doc.ts';

/**
 * A plan document (plan-document.ts) prepared for a web page — the version
 * page and the public link: the same structure the exports print (chapters,
 * themes with ambassadors and text, regional and local actions, every card
 * field), with each rich text already rendered to HTML by the one renderer
 * (richToHtml: text escaped, only http(s)/mailto links). Pages insert that HTML
 * as it is; every other value is plain text for the page to escape.
 *
 * Heading levels follow the page: its h1 is the version's name, a named
 * chapter is h2 and its themes h3 (themes are h2 where the plan has no named
 * chapters); a theme's own text headings start below its section labels.
 */

export interface ViewField {
	key: string;
	label: string;
	html: string;
}

export interface ViewAction {
	id: string;
	title: string;
	status: Status;
	planningStart: string | null;
	planningEnd: string | null;
	costAmount: number | null;
	funding: string | null;
	lead: string | null;
	municipality: string | null;
	fields: ViewField[];
}

export interface ViewTheme {
	id: string;
	number: string | null;
	title: string;
	/** heading level of the theme on the page */
	level: number;
	ambassadors: string[];
	sections: ViewField[];
	regional: ViewAction[];
	local: ViewAction[];
}

export interface ViewChapter {
	/** '' for themes outside a named chapter */
	title: string;
	themes: ViewTheme[];
}

export interface PlanView {
	layout: PlanDocument['layout'];
	introHtml: string | null;
	chapters: ViewChapter[];
	/** whether the plan has actions on both levels (then the page names the groups) */
	bothLevels: boolean;
}

function fields(list: DocumentAction['fields'], headingOffset: number): ViewField[] {
	return list.filter((f) => !isEmptyRich(f.rich)).map((f) => ({ key: f.key, label: f.label, html: richToHtml(f.rich, { headingOffset }) }));
}

function action(a: DocumentAction, level: number): ViewAction {
	return {
		id: a.id,
		title: a.title,
		status: a.status,
		planningStart: a.planningStart,
		planningEnd: a.planningEnd,
		costAmount: a.costAmount,
		funding: [a.funding, a.fundingNote].filter(Boolean).join(' — ') || null,
		lead: a.lead,
		municipality: a.municipality,
		// the action's title is one below the theme's group heading; its texts' headings below that
		fields: fields(a.fields, level + 2)
	};
}

function theme(t: DocumentTheme, level: number): ViewTheme {
	return {
		id: t.id,
		number: t.number,
		title: t.title,
		level,
		ambassadors: t.ambassadors.map((a) => (a.place ? `${a.name} (${a.place})` : a.name)),
		sections: t.sections.filter((s) => !isEmptyRich(s.rich)).map((s) => ({ key: s.key, label: s.label, html: richToHtml(s.rich, { headingOffset: level + 1 }) })),
		regional: t.regional.map((a) => action(a, level)),
		local: t.local.map((a) => action(a, level))
	};
}

export function planView(doc: PlanDocument): PlanView {
	const themes = doc.chapters.flatMap((c) => c.themes);
	return {
		layout: doc.layout,
		introHtml: isEmptyRich(doc.intro) ? null : richToHtml(doc.intro, { headingOffset: 2 }),
		chapters: doc.chapters.map((c) => ({ title: c.title, themes: c.themes.map((t) => theme(t, c.title.trim() ? 3 : 2)) })),
		bothLevels: themes.some((t) => t.regional.length) && themes.some((t) => t.local.length)
	};
}

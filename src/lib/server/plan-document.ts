import * as Y from 'yjs';
import { META, PLAN_INTRO, readMeta, type Status } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import type { PlanSnapshot } from '../review-diff.ts';
import type { UserRoles } from './access.ts';
import type { Db } from './db.ts';
import { getPlanOutline, type FieldDef, type LevelNames } from './plan.ts';
import { visibleFields } from './plan-settings.ts';
import { fragmentToJson, textToJson, type RichNode } from './rich-doc.ts';
import type { ActionLevel } from './schema.ts';
import type { ReadDocument } from './version.ts';

/**
 * The plan as a document: what the DOCX, PDF (print HTML) and XLSX exports
 * render, built once from the live plan (SQL for structure, the Yjs documents
 * for every text) or from a frozen version's snapshot. Renderers never read the
 * database or Yjs themselves.
 */

export interface RichField {
	key: string;
	label: string;
	rich: RichNode;
}

export interface DocumentAction {
	id: string;
	title: string;
	level: ActionLevel;
	status: Status;
	/** 'YYYY-MM', or 'ongoing' for the end */
	planningStart: string | null;
	planningEnd: string | null;
	/** whole euros */
	costAmount: number | null;
	funding: string | null;
	fundingNote: string | null;
	lead: string | null;
	municipality: string | null;
	progress: number;
	fields: RichField[];
}

export interface DocumentTheme {
	id: string;
	number: string | null;
	title: string;
	/** in a version: as the snapshot kept them (empty for versions adopted before snapshots kept them) */
	ambassadors: { name: string; place: string | null }[];
	sections: RichField[];
	regional: DocumentAction[];
	local: DocumentAction[];
}

export interface DocumentChapter {
	/** '' for themes outside a named chapter: those themes are the top level (Heading 1) */
	title: string;
	themes: DocumentTheme[];
}

export interface PlanDocument {
	planId: string;
	title: string;
	subtitle: string | null;
	kind: string;
	regionName: string;
	municipalityName: string | null;
	periodStart: number;
	periodEnd: number;
	version: { id: string; label: string; adoptedAt: number } | null;
	levels: LevelNames;
	cardTemplate: FieldDef[];
	/**
	 * How actions read, per the plan's card template: a card per action (a
	 * label–text table, seed 000) when the template has many fields, else
	 * regional and local side by side in two columns (seed 002).
	 */
	layout: 'cards' | 'columns';
	intro: RichNode;
	chapters: DocumentChapter[];
}

/**
 * The plan as far as one year's focus goes: a theme in focus with all its
 * actions, else only its actions in focus; themes and chapters left empty go.
 */
export function keepFocus(doc: PlanDocument, focus: ReadonlySet<string>): PlanDocument {
	const chapters = doc.chapters
		.map((chapter) => ({
			...chapter,
			themes: chapter.themes
				.map((theme) =>
					focus.has(theme.id)
						? theme
						: { ...theme, regional: theme.regional.filter((a) => focus.has(a.id)), local: theme.local.filter((a) => focus.has(a.id)) }
				)
				.filter((theme) => focus.has(theme.id) || theme.regional.length + theme.local.length > 0)
		}))
		.filter((chapter) => chapter.themes.length > 0);
	return { ...doc, chapters };
}

/** From this many card fields on, each action is a card of its own. */
export const CARD_LAYOUT_MIN_FIELDS = 5;

export function layoutFor(cardTemplate: FieldDef[]): PlanDocument['layout'] {
	return cardTemplate.length >= CARD_LAYOUT_MIN_FIELDS ? 'cards' : 'columns';
}

function openDoc(state: Uint8Array | null): Y.Doc {
	const doc = new Y.Doc();
	if (state && state.length) Y.applyUpdate(doc, state);
	return doc;
}

async function placeNames(db: Db, planId: string, regionId: string) {
	const [funding, municipalities] = await Promise.all([
		db.selectFrom('funding_sources').select(['id', 'name']).where('plan_id', '=', planId).execute(),
		db.selectFrom('municipalities').select(['id', 'name']).where('region_id', '=', regionId).execute()
	]);
	return { funding: new Map(funding.map((f) => [f.id, f.name])), municipalities: new Map(municipalities.map((m) => [m.id, m.name])) };
}

/** The live plan, or null when it does not exist or the roles may not read it. */
export async function buildPlanDocument(db: Db, planId: string, roles: UserRoles, readDocument: ReadDocument): Promise<PlanDocument | null> {
	const outline = await getPlanOutline(db, planId, roles);
	if (!outline) return null;
	const { plan } = outline;
	// fields hidden in the card template keep their text in the documents but stay out of every export
	const template = visibleFields(plan.cardTemplate);
	const names = await placeNames(db, plan.id, plan.regionId);
	const introDoc = openDoc(await readDocument(docName({ kind: 'plan', id: plan.id })));
	const intro = fragmentToJson(introDoc.getXmlFragment(PLAN_INTRO));
	introDoc.destroy();
	const chapters: DocumentChapter[] = [];
	for (const chapter of outline.chapters) {
		const themes: DocumentTheme[] = [];
		for (const t of chapter.themes) {
			const themeDoc = openDoc(await readDocument(t.documentName));
			const sections = plan.themeSections.map((s) => ({ key: s.key, label: s.label, rich: fragmentToJson(themeDoc.getXmlFragment(s.key)) }));
			themeDoc.destroy();
			const actions: DocumentAction[] = [];
			for (const a of t.actions) {
				const doc = openDoc(await readDocument(a.documentName));
				const meta = readMeta(doc.getMap(META));
				actions.push({
					id: a.id,
					title: a.title,
					level: a.level,
					status: a.status,
					planningStart: a.planningStart,
					planningEnd: a.planningEnd,
					costAmount: a.costAmount,
					funding: a.fundingSourceId ? (names.funding.get(a.fundingSourceId) ?? null) : null,
					fundingNote: meta.fundingNote,
					lead: a.lead,
					municipality: a.municipalityId ? (names.municipalities.get(a.municipalityId) ?? null) : null,
					progress: a.progress,
					fields: template.map((f) => ({ key: f.key, label: f.label, rich: fragmentToJson(doc.getXmlFragment(f.key)) }))
				});
				doc.destroy();
			}
			themes.push({
				id: t.id,
				number: t.number,
				title: t.title,
				ambassadors: t.ambassadors.map((a) => ({ name: a.name, place: a.municipalityName ?? a.organisation ?? null })),
				sections,
				regional: actions.filter((a) => a.level === 'regional'),
				local: actions.filter((a) => a.level === 'local')
			});
		}
		chapters.push({ title: chapter.title, themes });
	}
	return {
		planId: plan.id,
		title: plan.title,
		subtitle: plan.subtitle,
		kind: plan.kind,
		regionName: plan.regionName,
		municipalityName: plan.municipalityName,
		periodStart: plan.periodStart,
		periodEnd: plan.periodEnd,
		version: null,
		levels: plan.levels,
		cardTemplate: template,
		layout: layoutFor(template),
		intro,
		chapters
	};
}

function decode(state: string | undefined): Uint8Array | null {
	return state ? new Uint8Array(Buffer.from(state, 'base64')) : null;
}

/**
 * A frozen version. Texts come from the snapshot's Yjs states when it holds
 * them (formatting kept), else from its plain text (one paragraph per line).
 * The caller has checked that the user may read the version's plan.
 */
export async function buildVersionDocument(
	db: Db,
	version: { id: string; label: string; adoptedAt: number; snapshot: PlanSnapshot }
): Promise<PlanDocument | null> {
	const { snapshot } = version;
	// the template as it was when the version was frozen: its hidden fields stay out
	const template = visibleFields(snapshot.cardTemplate);
	const plan = await db
		.selectFrom('plans')
		.innerJoin('regions', 'regions.id', 'plans.region_id')
		.leftJoin('municipalities', 'municipalities.id', 'plans.municipality_id')
		.select(['plans.id', 'plans.region_id', 'plans.levels', 'regions.name as regionName', 'municipalities.name as municipalityName'])
		.where('plans.id', '=', snapshot.plan.id)
		.executeTakeFirst();
	if (!plan) return null;
	const names = await placeNames(db, plan.id, plan.region_id);
	const rich = (state: Uint8Array | null, key: string, text: string | undefined): RichNode => {
		if (!state) return textToJson(text ?? '');
		const doc = openDoc(state);
		try {
			return fragmentToJson(doc.getXmlFragment(key));
		} finally {
			doc.destroy();
		}
	};
	const chapterIds = new Set(snapshot.chapters.map((c) => c.id));
	const theme = (t: PlanSnapshot['themes'][number]): DocumentTheme => {
		const themeState = decode(t.state);
		const actions = t.actions.map<DocumentAction>((a) => {
			const state = decode(a.state);
			const meta = state ? (() => {
				const doc = openDoc(state);
				try {
					return readMeta(doc.getMap(META));
				} finally {
					doc.destroy();
				}
			})() : null;
			return {
				id: a.id,
				title: a.title,
				level: a.level,
				status: a.status as Status,
				planningStart: a.planningStart,
				planningEnd: a.planningEnd,
				costAmount: a.costAmount,
				funding: meta?.fundingSourceId ? (names.funding.get(meta.fundingSourceId) ?? null) : null,
				fundingNote: meta?.fundingNote ?? null,
				lead: a.lead,
				municipality: meta?.municipalityId ? (names.municipalities.get(meta.municipalityId) ?? null) : null,
				progress: a.progress,
				fields: template.map((f) => ({ key: f.key, label: f.label, rich: rich(state, f.key, a.fields[f.key]) }))
			};
		});
		return {
			id: t.id,
			number: t.number,
			title: t.title,
			ambassadors: t.ambassadors ?? [],
			sections: snapshot.themeSections.map((s) => ({ key: s.key, label: s.label, rich: rich(themeState, s.key, t.sections[s.key]) })),
			regional: actions.filter((a) => a.level === 'regional'),
			local: actions.filter((a) => a.level === 'local')
		};
	};
	const chapters: DocumentChapter[] = snapshot.chapters.map((c) => ({
		title: c.title,
		themes: snapshot.themes.filter((t) => t.chapterId === c.id).map(theme)
	}));
	const loose = snapshot.themes.filter((t) => !t.chapterId || !chapterIds.has(t.chapterId));
	if (loose.length) chapters.push({ title: '', themes: loose.map(theme) });
	return {
		planId: plan.id,
		title: snapshot.plan.title,
		subtitle: snapshot.plan.subtitle,
		kind: snapshot.plan.kind,
		regionName: plan.regionName,
		municipalityName: plan.municipalityName,
		periodStart: snapshot.plan.periodStart,
		periodEnd: snapshot.plan.periodEnd,
		version: { id: version.id, label: version.label, adoptedAt: version.adoptedAt },
		levels: JSON.parse(plan.levels) as LevelNames,
		cardTemplate: template,
		layout: layoutFor(template),
		intro: rich(decode(snapshot.plan.state), PLAN_INTRO, snapshot.plan.introText),
		chapters: chapters.filter((c) => c.themes.length)
	};
}

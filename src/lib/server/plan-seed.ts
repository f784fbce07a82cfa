import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as Y from 'yjs';
import { META, PLAN_INTRO } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import { newActionRow } from './plan.ts';
import { projectAction, projectPlan, projectTheme } from './projection.ts';
import { writeBlocks, type Block } from './rich-text.ts';
import { createUser } from './user.ts';

/** Writes a document's initial state to the collaboration store (only when it has none). */
/** Stores a new document; may return a promise (PostgreSQL), which is awaited before the rows that name it are written. */
export type WriteDocument = (name: string, update: Uint8Array) => unknown;

export interface DemoAction {
	level: 'regional' | 'local';
	title: string;
	status: string;
	fields: Record<string, Block[]>;
	planningStart?: string;
	planningEnd?: string;
	costAmount?: number;
	fundingSource?: string;
	lead?: string;
	partners?: string[];
	tags?: string[];
	progress?: number;
}

export interface DemoPlanFile {
	slug: string;
	kind: string;
	title: string;
	subtitle?: string;
	scope: 'region' | 'municipality';
	region: string;
	municipality?: string;
	parentPlan?: string;
	periodStart: number;
	periodEnd: number;
	levels: Record<string, string>;
	themeSections: { key: string; label: string }[];
	cardTemplate: { key: string; label: string }[];
	intro: Block[];
	chapters: {
		title: string;
		intro?: Block[];
		themes: {
			number?: string;
			title: string;
			sections: Record<string, Block[]>;
			/** a demo person by e-mail (made when missing), or an existing account by id (import) */
			ambassadors?: { name: string; municipality?: string; organisation?: string; email?: string; userId?: string }[];
			actions: DemoAction[];
		}[];
	}[];
	indicators?: {
		key: string;
		name: string;
		unit: string;
		source: string;
		scope: string;
		values: { year: number; value: number; municipality?: string; subregion?: string }[];
	}[];
	fundingSources?: { key: string; name: string; scope: 'regional' | 'local'; amounts: { year: number; amount: number }[]; note?: string }[];
}

function encode(build: (doc: Y.Doc) => void): { doc: Y.Doc; update: Uint8Array } {
	const doc = new Y.Doc();
	doc.transact(() => build(doc));
	return { doc, update: Y.encodeStateAsUpdate(doc) };
}

/**
 * Loads every plan file of the demo folder: rows for the model, and the Yjs
 * documents (intro, themes, action cards) with the documents' text. Regional
 * plans' local actions get an adoption row per gemeente.
 */
export async function seedPlans(db: Db, demoDir: string, writeDocument: WriteDocument): Promise<void> {
	const folder = join(demoDir, 'plans');
	const files = (await readdir(folder)).filter((f) => f.endsWith('.json')).sort();
	const plans: DemoPlanFile[] = [];
	for (const file of files) plans.push(JSON.parse(await readFile(join(folder, file), 'utf8')));
	// Regional plans first, so local plans can point at their parent.
	plans.sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'region' ? -1 : 1));

	const regions = new Map((await db.selectFrom('regions').select(['id', 'slug']).execute()).map((r) => [r.slug, r.id]));
	const municipalities = await db.selectFrom('municipalities').select(['id', 'slug', 'region_id']).execute();
	const planIds = new Map<string, string>();

	for (const plan of plans) {
		const regionId = regions.get(plan.region);
		if (!regionId) throw new Error(`demo plan ${plan.slug}: unknown region ${plan.region}`);
		const planId = await insertPlan(
			db,
			plan,
			{ regionId, municipalities, parentPlanId: plan.parentPlan ? (planIds.get(plan.parentPlan) ?? null) : null, demoAdoptions: true },
			writeDocument
		);
		planIds.set(plan.slug, planId);
	}
}

/**
 * Creates one plan from a plan file (a demo plan, or a Word plan read by the
 * import): its rows, and a Yjs document for the intro, each theme and each
 * action card. Regional plans' local actions get an adoption row per gemeente
 * (a plausible spread for the demo, else "not started"). Run it inside a
 * transaction to create the plan all at once.
 */
export async function insertPlan(
	db: Db,
	plan: DemoPlanFile,
	context: {
		regionId: string;
		municipalities: { id: string; slug: string; region_id: string }[];
		parentPlanId: string | null;
		demoAdoptions: boolean;
	},
	writeDocument: WriteDocument
): Promise<string> {
	const { regionId, municipalities } = context;
	const municipalityBySlug = new Map(municipalities.map((m) => [m.slug, m]));
	const now = Date.now();
	{
		const planId = newId();
		await db
			.insertInto('plans')
			.values({
				id: planId,
				slug: plan.slug,
				region_id: regionId,
				municipality_id: plan.municipality ? (municipalityBySlug.get(plan.municipality)?.id ?? null) : null,
				scope: plan.scope,
				kind: plan.kind,
				title: plan.title,
				subtitle: plan.subtitle ?? null,
				period_start: plan.periodStart,
				period_end: plan.periodEnd,
				parent_plan_id: context.parentPlanId,
				levels: JSON.stringify(plan.levels),
				theme_sections: JSON.stringify(plan.themeSections),
				card_template: JSON.stringify(plan.cardTemplate),
				created_at: now,
				updated_at: now
			})
			.execute();
		const intro = encode((doc) => writeBlocks(doc.getXmlFragment(PLAN_INTRO), plan.intro ?? []));
		await writeDocument(docName({ kind: 'plan', id: planId }), intro.update);
		await projectPlan(db, planId, intro.doc);

		const funding = new Map<string, string>();
		for (const source of plan.fundingSources ?? []) {
			const id = newId();
			funding.set(source.key, id);
			await db
				.insertInto('funding_sources')
				.values({ id, plan_id: planId, key: source.key, name: source.name, scope: source.scope, note: source.note ?? null })
				.execute();
			for (const a of source.amounts) {
				await db.insertInto('funding_amounts').values({ funding_source_id: id, year: a.year, amount: a.amount }).execute();
			}
		}

		for (const indicator of plan.indicators ?? []) {
			const id = newId();
			await db
				.insertInto('indicators')
				.values({ id, plan_id: planId, key: indicator.key, name: indicator.name, unit: indicator.unit, source: indicator.source, scope: indicator.scope })
				.execute();
			for (const v of indicator.values) {
				await db
					.insertInto('indicator_values')
					.values({
						indicator_id: id,
						year: v.year,
						value: v.value,
						municipality_id: v.municipality ? (municipalityBySlug.get(v.municipality)?.id ?? null) : null,
						subregion: v.subregion ?? null
					})
					.execute();
			}
		}

		const regionMunicipalities = municipalities.filter((m) => m.region_id === regionId);
		let themePosition = 0;
		for (const [chapterIndex, chapter] of plan.chapters.entries()) {
			const chapterId = newId();
			await db
				.insertInto('chapters')
				.values({ id: chapterId, plan_id: planId, position: chapterIndex + 1, title: chapter.title, archived_at: null })
				.execute();
			for (const theme of chapter.themes) {
				const themeId = newId();
				themePosition += 1;
				await db
					.insertInto('themes')
					.values({
						id: themeId,
						plan_id: planId,
						chapter_id: chapterId,
						position: themePosition,
						number: theme.number ?? null,
						title: theme.title,
						archived_at: null,
						updated_at: now
					})
					.execute();
				const themeDoc = encode((doc) => {
					for (const section of plan.themeSections) writeBlocks(doc.getXmlFragment(section.key), theme.sections[section.key] ?? []);
				});
				await writeDocument(docName({ kind: 'theme', id: themeId }), themeDoc.update);
				await projectTheme(db, themeId, themeDoc.doc, plan.themeSections.map((s) => s.key));

				for (const ambassador of theme.ambassadors ?? []) {
					let userId = ambassador.userId;
					if (!userId) {
						if (!ambassador.email) continue;
						const email = ambassador.email.toLowerCase();
						const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
						userId = existing?.id ?? (await createUser(db, { email, name: ambassador.name, password: null })).id;
					}
					await db
						.insertInto('theme_ambassadors')
						.values({
							theme_id: themeId,
							user_id: userId,
							municipality_id: ambassador.municipality ? (municipalityBySlug.get(ambassador.municipality)?.id ?? null) : null,
							organisation: ambassador.organisation ?? null
						})
						.onConflict((oc) => oc.doNothing())
						.execute();
				}

				for (const [actionIndex, action] of theme.actions.entries()) {
					const actionId = newId();
					const fundingSourceId = action.fundingSource ? (funding.get(action.fundingSource) ?? null) : null;
					await db
						.insertInto('actions')
						.values(newActionRow({ id: actionId, planId, themeId, position: actionIndex + 1, level: action.level, title: action.title }, now))
						.execute();
					const card = encode((doc) => {
						const meta = doc.getMap(META);
						meta.set('title', action.title);
						meta.set('status', action.status);
						if (action.planningStart) meta.set('planningStart', action.planningStart);
						if (action.planningEnd) meta.set('planningEnd', action.planningEnd);
						if (action.costAmount !== undefined) meta.set('costAmount', action.costAmount);
						if (fundingSourceId) meta.set('fundingSourceId', fundingSourceId);
						else if (action.fundingSource) meta.set('fundingNote', action.fundingSource);
						if (action.lead) meta.set('lead', action.lead);
						meta.set('partners', action.partners ?? []);
						meta.set('tags', action.tags ?? []);
						meta.set('progress', action.progress ?? 0);
						for (const field of plan.cardTemplate) writeBlocks(doc.getXmlFragment(field.key), action.fields[field.key] ?? []);
					});
					await writeDocument(docName({ kind: 'action', id: actionId }), card.update);
					await projectAction(db, actionId, card.doc, plan.cardTemplate.map((f) => f.key));

					if (plan.scope === 'region' && action.level === 'local') {
						await db
							.insertInto('local_adoptions')
							.values(
								regionMunicipalities.map((m, i) => ({
									action_id: actionId,
									municipality_id: m.id,
									// A plausible spread for the demo: most gemeenten have started.
									status: context.demoAdoptions
										? (['in_progress', 'not_started', 'done', 'in_progress', 'at_risk', 'ongoing'] as const)[(i + actionIndex) % 6]
										: ('not_started' as const),
									note: '',
									updated_at: now,
									updated_by: null
								}))
							)
							.execute();
					}
				}
			}
		}
		return planId;
	}
}

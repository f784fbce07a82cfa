import * as Y from 'yjs';
import { META, PLAN_INTRO, readMeta } from '../action-doc.ts';
import type { DocRef } from '../doc-name.ts';
import type { Db } from './db.ts';
import { fragmentText } from './rich-text.ts';

/**
 * Projection: the collaborative documents are the truth for text and for an
 * action's structured fields; these functions copy them into ordinary columns
 * so lists, boards, search, exports and the JSON API read SQL, never Yjs.
 * Returns what changed (`Projected`), so the server tells a plan's screens
 * only about documents whose rows moved.
 *
 * Only columns whose value differs are written, and nothing at all when the
 * document's projection is what the row already holds: an UPDATE naming
 * title or text fires the search index triggers (migration 0010), which
 * rewrite the row's full-text entry, and touches updated_at.
 */

function joinFields(doc: Y.Doc, keys: string[]): string {
	return keys
		.map((key) => fragmentText(doc.getXmlFragment(key)))
		.filter(Boolean)
		.join('\n\n');
}

/**
 * `unchanged`: nothing written; `text`: only columns that pages read when
 * they load (text, notes); `visible`: a column the board and lists show at
 * once.
 */
export type Projected = 'unchanged' | 'text' | 'visible';

export async function projectAction(db: Db, actionId: string, doc: Y.Doc, fieldKeys: string[]): Promise<Projected> {
	const meta = readMeta(doc.getMap(META));
	const before = await db
		.selectFrom('actions')
		.select([
			'title',
			'status',
			'planning_start',
			'planning_end',
			'cost_amount',
			'funding_source_id',
			'funding_note',
			'progress',
			'lead',
			'municipality_id',
			'partners',
			'tags',
			'text',
			'plan_id'
		])
		.where('id', '=', actionId)
		.executeTakeFirst();
	if (!before) return 'unchanged';
	// A funding source must belong to the same plan; anything else is ignored.
	let fundingSourceId = meta.fundingSourceId;
	if (fundingSourceId) {
		const ok = await db
			.selectFrom('funding_sources')
			.select('id')
			.where('id', '=', fundingSourceId)
			.where('plan_id', '=', before.plan_id)
			.executeTakeFirst();
		if (!ok) fundingSourceId = null;
	}
	// The gemeente must be one of the plan's region; anything else is ignored.
	let municipalityId = meta.municipalityId;
	if (municipalityId) {
		const ok = await db
			.selectFrom('municipalities as mu')
			.innerJoin('plans as p', 'p.region_id', 'mu.region_id')
			.select('mu.id')
			.where('mu.id', '=', municipalityId)
			.where('p.id', '=', before.plan_id)
			.executeTakeFirst();
		if (!ok) municipalityId = null;
	}
	const next = {
		title: meta.title || before.title,
		status: meta.status,
		planning_start: meta.planningStart,
		planning_end: meta.planningEnd,
		cost_amount: meta.costAmount,
		funding_source_id: fundingSourceId,
		funding_note: meta.fundingNote,
		lead: meta.lead,
		municipality_id: municipalityId,
		partners: JSON.stringify(meta.partners),
		tags: JSON.stringify(meta.tags),
		progress: meta.progress,
		text: joinFields(doc, fieldKeys)
	};
	const changes: Partial<typeof next> = {};
	for (const key of Object.keys(next) as Array<keyof typeof next>) {
		if (next[key] !== before[key]) (changes as Record<string, unknown>)[key] = next[key];
	}
	if (Object.keys(changes).length === 0) return 'unchanged';
	const visible = VISIBLE.some((key) => key in changes);
	await db
		.updateTable('actions')
		.set({ ...changes, ...(visible || 'text' in changes ? { updated_at: Date.now() } : {}) })
		.where('id', '=', actionId)
		.execute();
	return visible ? 'visible' : 'text';
}

/** the columns whose change the board and lists show at once (text is read on demand) */
const VISIBLE = ['title', 'status', 'planning_start', 'planning_end', 'cost_amount', 'funding_source_id', 'progress', 'lead', 'municipality_id'] as const;

export async function projectTheme(db: Db, themeId: string, doc: Y.Doc, sectionKeys: string[]): Promise<Projected> {
	const text = joinFields(doc, sectionKeys);
	const result = await db
		.updateTable('themes')
		.set({ text, updated_at: Date.now() })
		.where('id', '=', themeId)
		.where('text', 'is distinct from', text)
		.executeTakeFirst();
	return result.numUpdatedRows > 0n ? 'text' : 'unchanged';
}

export async function projectPlan(db: Db, planId: string, doc: Y.Doc): Promise<Projected> {
	const introText = fragmentText(doc.getXmlFragment(PLAN_INTRO));
	const result = await db
		.updateTable('plans')
		.set({ intro_text: introText, updated_at: Date.now() })
		.where('id', '=', planId)
		.where('intro_text', 'is distinct from', introText)
		.executeTakeFirst();
	return result.numUpdatedRows > 0n ? 'text' : 'unchanged';
}

/** The collaboration server's hook: project whichever kind of document changed. */
export async function projectDocument(db: Db, ref: DocRef, planId: string, doc: Y.Doc): Promise<Projected> {
	const plan = await db
		.selectFrom('plans')
		.select(['card_template', 'theme_sections'])
		.where('id', '=', planId)
		.executeTakeFirst();
	if (!plan) return 'unchanged';
	const keys = (json: string) => (JSON.parse(json) as { key: string }[]).map((f) => f.key);
	if (ref.kind === 'action') return projectAction(db, ref.id, doc, keys(plan.card_template));
	if (ref.kind === 'theme') return projectTheme(db, ref.id, doc, keys(plan.theme_sections));
	return projectPlan(db, ref.id, doc);
}

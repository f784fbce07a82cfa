import * as Y from 'yjs';
import { docName } from '../doc-name.ts';
import type { Db } from './db.ts';
import type { FieldDef } from './plan.ts';
import { visibleFields } from './plan-settings.ts';
import { fragmentText } from './rich-text.ts';
import type { ReadDocument } from './version.ts';

/**
 * What the CSV exports read: the plan's live actions with their projected
 * fields and card text, and its indicator values. SQL only, never Yjs
 * (SPEC: "boards, search, exports and the JSON API read SQL").
 */

export async function exportActions(db: Db, planId: string) {
	return db
		.selectFrom('actions as a')
		.innerJoin('themes as t', 't.id', 'a.theme_id')
		.leftJoin('chapters as c', 'c.id', 't.chapter_id')
		.leftJoin('municipalities as mu', 'mu.id', 'a.municipality_id')
		.leftJoin('funding_sources as fs', 'fs.id', 'a.funding_source_id')
		.select([
			'c.title as chapter',
			't.number as themeNumber',
			't.title as theme',
			'a.level',
			'a.title',
			'a.status',
			'a.planning_start as planningStart',
			'a.planning_end as planningEnd',
			'a.lead',
			'mu.name as municipality',
			'a.cost_amount as cost',
			'fs.name as funding',
			'a.progress',
			'a.text',
			'a.id as id',
			'a.theme_id as themeId'
		])
		.where('a.plan_id', '=', planId)
		.where('a.archived_at', 'is', null)
		.where('t.archived_at', 'is', null)
		.orderBy('c.position')
		.orderBy('t.position')
		.orderBy('a.level', 'desc')
		.orderBy('a.position')
		.execute();
}

export async function exportIndicatorValues(db: Db, planId: string) {
	return db
		.selectFrom('indicator_values as iv')
		.innerJoin('indicators as i', 'i.id', 'iv.indicator_id')
		.leftJoin('municipalities as mu', 'mu.id', 'iv.municipality_id')
		.select(['i.name', 'i.unit', 'i.source', 'iv.year', 'mu.name as municipality', 'iv.subregion', 'iv.value'])
		.where('i.plan_id', '=', planId)
		.orderBy('i.name')
		.orderBy('iv.year')
		.orderBy('mu.name')
		.orderBy('iv.subregion')
		.execute();
}

/**
 * The card text of each live action as the CSV shows it: the fields the card
 * template shows, in its order, one paragraph apart. The projected `text`
 * column also holds hidden fields (they keep their text), so this reads the
 * documents, as the Word and Excel exports do.
 */
export async function visibleCardTexts(
	db: Db,
	plan: { id: string; cardTemplate: readonly FieldDef[] },
	readDocument: ReadDocument
): Promise<Map<string, string>> {
	const keys = visibleFields(plan.cardTemplate).map((f) => f.key);
	const actions = await db.selectFrom('actions').select('id').where('plan_id', '=', plan.id).where('archived_at', 'is', null).execute();
	const out = new Map<string, string>();
	for (const a of actions) {
		const doc = new Y.Doc();
		try {
			Y.applyUpdate(doc, await readDocument(docName({ kind: 'action', id: a.id })));
			out.set(
				a.id,
				keys
					.map((key) => fragmentText(doc.getXmlFragment(key)))
					.filter(Boolean)
					.join('\n\n')
			);
		} finally {
			doc.destroy();
		}
	}
	return out;
}

import * as Y from 'yjs';
import { PLAN_INTRO } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import type { PlanSnapshot, SnapshotAction, SnapshotTheme } from '../review-diff.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import { getPlan } from './plan.ts';
import { fragmentText } from './rich-text.ts';

/**
 * Plan versions: immutable snapshots of a whole plan, frozen for decision-making
 * (by closing an evaluation or by an editor at any time). Whether the colleges
 * adopted a version is recorded beside it (src/lib/server/adoption.ts).
 * A snapshot holds the projected fields and, per field, the plain text read
 * from the documents themselves, plus each document's full Yjs state (base64)
 * so the version can later be exported or restored exactly. Nothing here
 * ever updates a stored version.
 */

export type ReadDocument = (name: string) => Promise<Uint8Array>;

function textOf(state: Uint8Array, keys: string[]): Record<string, string> {
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, state);
		return Object.fromEntries(keys.map((key) => [key, fragmentText(doc.getXmlFragment(key))]));
	} finally {
		doc.destroy();
	}
}

function base64(bytes: Uint8Array): string {
	return Buffer.from(bytes).toString('base64');
}

/**
 * The plan as it is now, in snapshot form. `withState: false` leaves out the
 * Yjs states (for a comparison with the live plan, which needs only text).
 */
export async function takeSnapshot(db: Db, planId: string, readDocument: ReadDocument, options: { withState: boolean }): Promise<PlanSnapshot | null> {
	const plan = await getPlan(db, planId);
	if (!plan) return null;
	const [chapters, themes, actions, ambassadors] = await Promise.all([
		db.selectFrom('chapters').select(['id', 'title']).where('plan_id', '=', planId).where('archived_at', 'is', null).orderBy('position').execute(),
		db
			.selectFrom('themes')
			.select(['id', 'chapter_id', 'number', 'title'])
			.where('plan_id', '=', planId)
			.where('archived_at', 'is', null)
			.orderBy('position')
			.execute(),
		db
			.selectFrom('actions')
			.select(['id', 'theme_id', 'title', 'status', 'level', 'planning_start', 'planning_end', 'cost_amount', 'lead', 'progress', 'predecessor_id'])
			.where('plan_id', '=', planId)
			.where('archived_at', 'is', null)
			.orderBy('position')
			.execute(),
		db
			.selectFrom('theme_ambassadors as ta')
			.innerJoin('themes as t', 't.id', 'ta.theme_id')
			.innerJoin('users as u', 'u.id', 'ta.user_id')
			.leftJoin('municipalities as m', 'm.id', 'ta.municipality_id')
			.select(['ta.theme_id', 'u.name', 'm.name as municipalityName', 'ta.organisation'])
			.where('t.plan_id', '=', planId)
			.orderBy('u.name')
			.execute()
	]);
	const fieldKeys = plan.cardTemplate.map((f) => f.key);
	const sectionKeys = plan.themeSections.map((f) => f.key);
	const planDoc = docName({ kind: 'plan', id: planId });
	const planState = await readDocument(planDoc);
	const snapshot: PlanSnapshot = {
		format: 1,
		takenAt: Date.now(),
		plan: {
			id: plan.id,
			title: plan.title,
			subtitle: plan.subtitle,
			kind: plan.kind,
			periodStart: plan.periodStart,
			periodEnd: plan.periodEnd,
			introText: textOf(planState, [PLAN_INTRO])[PLAN_INTRO],
			documentName: planDoc,
			...(options.withState ? { state: base64(planState) } : {})
		},
		cardTemplate: plan.cardTemplate,
		themeSections: plan.themeSections,
		chapters,
		themes: []
	};
	for (const t of themes) {
		const name = docName({ kind: 'theme', id: t.id });
		const state = await readDocument(name);
		const theme: SnapshotTheme = {
			id: t.id,
			chapterId: t.chapter_id,
			number: t.number,
			title: t.title,
			documentName: name,
			sections: textOf(state, sectionKeys),
			ambassadors: ambassadors
				.filter((a) => a.theme_id === t.id)
				.map((a) => ({ name: a.name, place: a.municipalityName ?? a.organisation ?? null })),
			...(options.withState ? { state: base64(state) } : {}),
			actions: []
		};
		for (const a of actions.filter((x) => x.theme_id === t.id)) {
			const actionName = docName({ kind: 'action', id: a.id });
			const actionState = await readDocument(actionName);
			const action: SnapshotAction = {
				id: a.id,
				title: a.title,
				status: a.status,
				level: a.level,
				planningStart: a.planning_start,
				planningEnd: a.planning_end,
				costAmount: a.cost_amount,
				lead: a.lead,
				progress: a.progress,
				predecessorId: a.predecessor_id,
				documentName: actionName,
				fields: textOf(actionState, fieldKeys),
				...(options.withState ? { state: base64(actionState) } : {})
			};
			theme.actions.push(action);
		}
		snapshot.themes.push(theme);
	}
	return snapshot;
}

export interface VersionSummary {
	id: string;
	planId: string;
	cycleId: string | null;
	label: string;
	adoptedAt: number;
	createdAt: number;
}

export async function insertVersion(
	db: Db,
	input: { planId: string; cycleId: string | null; label: string; adoptedAt: number; snapshot: PlanSnapshot; createdBy: string }
): Promise<string> {
	const id = newId();
	await db
		.insertInto('plan_versions')
		.values({
			id,
			plan_id: input.planId,
			cycle_id: input.cycleId,
			label: input.label,
			adopted_at: input.adoptedAt,
			snapshot: JSON.stringify(input.snapshot),
			created_by: input.createdBy,
			created_at: Date.now()
		})
		.execute();
	return id;
}

export async function listVersions(db: Db, planId: string): Promise<VersionSummary[]> {
	return db
		.selectFrom('plan_versions')
		.select(['id', 'plan_id as planId', 'cycle_id as cycleId', 'label', 'adopted_at as adoptedAt', 'created_at as createdAt'])
		.where('plan_id', '=', planId)
		.orderBy('adopted_at', 'desc')
		.execute();
}

export async function getVersion(db: Db, versionId: string): Promise<(VersionSummary & { snapshot: PlanSnapshot }) | null> {
	const row = await db
		.selectFrom('plan_versions')
		.select(['id', 'plan_id as planId', 'cycle_id as cycleId', 'label', 'adopted_at as adoptedAt', 'created_at as createdAt', 'snapshot'])
		.where('id', '=', versionId)
		.executeTakeFirst();
	if (!row) return null;
	return { ...row, snapshot: JSON.parse(row.snapshot) as PlanSnapshot };
}

/** A snapshot without the Yjs states, for pages and the JSON API. */
export function withoutStates(snapshot: PlanSnapshot): PlanSnapshot {
	return {
		...snapshot,
		plan: { ...snapshot.plan, state: undefined },
		themes: snapshot.themes.map((t) => ({ ...t, state: undefined, actions: t.actions.map((a) => ({ ...a, state: undefined })) }))
	};
}

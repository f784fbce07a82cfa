import * as Y from 'yjs';
import { PLAN_INTRO } from '../action-doc.ts';
import { docName, type DocKind } from '../doc-name.ts';
import type { UserRoles } from './access.ts';
import type { Db } from './db.ts';
import {
	compareFields,
	compareTitle,
	docFromUpdate,
	historyTarget,
	listHistory,
	parseVersionId,
	readVersion,
	restoreVersion,
	type DiffPart,
	type FieldDef,
	type FieldDiff,
	type HistoryEntry,
	type HistoryTarget
} from './history.ts';
import { getPlan } from './plan.ts';
import { visibleFields } from './plan-settings.ts';

/**
 * What the three history pages (a card, a theme, the plan's introduction)
 * share: which document and fields they show, the list of sessions, and the
 * opened version compared with now.
 */

export interface HistorySubject {
	target: HistoryTarget;
	kind: DocKind;
	planId: string;
	planTitle: string;
	/** the card's or theme's title; the plan's for the introduction */
	title: string;
	/** the page the history belongs to */
	backHref: string;
	fields: FieldDef[];
}

/**
 * The document behind a history page, when the user may read it and it
 * belongs to the plan in the URL; null: answer 404.
 */
export async function historySubject(
	db: Db,
	roles: UserRoles,
	input: { planId: string; kind: DocKind; id: string; introLabel: string }
): Promise<HistorySubject | null> {
	const plan = await getPlan(db, input.planId);
	if (!plan) return null;
	const target = await historyTarget(db, roles, docName({ kind: input.kind, id: input.id }), plan.id);
	if (!target) return null;
	const base = { target, kind: input.kind, planId: plan.id, planTitle: plan.title };
	if (input.kind === 'action') {
		const action = await db.selectFrom('actions').select('title').where('id', '=', input.id).executeTakeFirst();
		if (!action) return null;
		return { ...base, title: action.title, backHref: `/plannen/${plan.id}/acties/${input.id}`, fields: visibleFields(plan.cardTemplate) };
	}
	if (input.kind === 'theme') {
		const theme = await db.selectFrom('themes').select(['title', 'number']).where('id', '=', input.id).executeTakeFirst();
		if (!theme) return null;
		return {
			...base,
			title: theme.number ? `${theme.number} ${theme.title}` : theme.title,
			backHref: `/plannen/${plan.id}/themas/${input.id}`,
			fields: plan.themeSections.map((s) => ({ key: s.key, label: s.label }))
		};
	}
	return { ...base, title: plan.title, backHref: `/plannen/${plan.id}/inleiding`, fields: [{ key: PLAN_INTRO, label: input.introLabel }] };
}

export interface OpenedVersion {
	entry: HistoryEntry;
	/** an action card's title then, with changes since */
	title: { then: string; parts: DiffPart[]; changed: boolean } | null;
	fields: FieldDiff[];
}

export interface HistoryPageData {
	entries: HistoryEntry[];
	/** the version asked for with ?versie=, compared with the current state; 'gone' when it cannot be opened */
	opened: OpenedVersion | 'gone' | null;
	canRestore: boolean;
	archived: boolean;
}

export async function loadHistoryPage(
	db: Db,
	subject: HistorySubject,
	input: { version: string | null; readDocument: (name: string) => Promise<Uint8Array> }
): Promise<HistoryPageData> {
	const entries = await listHistory(db, subject.target.name);
	const data: HistoryPageData = {
		entries,
		opened: null,
		canRestore: subject.target.access === 'write' && !subject.target.archived,
		archived: subject.target.archived
	};
	if (input.version === null) return data;
	const versionId = parseVersionId(input.version);
	const entry = entries.find((e) => e.versionId === input.version);
	const state = versionId !== null && entry ? await readVersion(db, subject.target.name, versionId) : null;
	if (!entry || !state) return { ...data, opened: 'gone' };
	const version = docFromUpdate(state);
	const current = new Y.Doc();
	try {
		Y.applyUpdate(current, await input.readDocument(subject.target.name));
		data.opened = {
			entry,
			title: subject.kind === 'action' ? compareTitle(version, current) : null,
			fields: compareFields(version, current, subject.fields)
		};
	} finally {
		version.destroy();
		current.destroy();
	}
	return data;
}

export type RestoreFormResult =
	| { ok: true; field: string | null }
	| { ok: false; error: 'bad_input' | 'forbidden' | 'archived' | 'gone' };

/**
 * The restore form of a history page: `versionId` and `field` (a field key,
 * or empty for the whole document). Rights are checked again here, whatever
 * the page showed: a forged post by a reader changes nothing.
 */
export async function restoreFromForm(
	db: Db,
	subject: HistorySubject,
	input: {
		form: Record<string, unknown>;
		author: string;
		changeDocument: (name: string, fn: (doc: Y.Doc) => void, options: { author: string; newSession: boolean }) => Promise<void>;
	}
): Promise<RestoreFormResult> {
	const versionId = parseVersionId(input.form.versionId);
	const rawField = input.form.field ?? '';
	if (versionId === null || typeof rawField !== 'string' || rawField.length > 64) return { ok: false, error: 'bad_input' };
	const field = rawField === '' ? null : rawField;
	const outcome = await restoreVersion(db, {
		target: subject.target,
		versionId,
		fields: subject.fields.map((f) => f.key),
		field,
		author: input.author,
		changeDocument: input.changeDocument
	});
	return outcome === 'restored' ? { ok: true, field } : { ok: false, error: outcome };
}

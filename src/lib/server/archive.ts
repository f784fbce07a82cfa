import type { Db } from './db.ts';

/**
 * A plan's archive: its archived chapters, themes and actions, with who
 * archived them and when, and restoring them. Nothing is deleted, so a
 * restored row comes back with all its text (its document was never touched).
 * The caller checked the right (canEditPlan for restoring).
 */
export interface ArchivedItem {
	kind: 'chapter' | 'theme' | 'action';
	id: string;
	title: string;
	/** theme number, or the action's theme title */
	context: string | null;
	archivedAt: number;
	archivedBy: { id: string; name: string } | null;
	/** why it cannot be restored now, if so */
	blockedBy: 'chapter_archived' | 'theme_archived' | null;
}

export interface PlanArchive {
	chapters: ArchivedItem[];
	themes: ArchivedItem[];
	actions: ArchivedItem[];
}

export type RestoreError = 'not_found' | 'chapter_archived' | 'theme_archived';
export type RestoreOutcome = { ok: true; title: string } | { ok: false; error: RestoreError };

export async function listArchive(db: Db, planId: string): Promise<PlanArchive> {
	const [chapters, themes, actions] = await Promise.all([
		db
			.selectFrom('chapters as c')
			.leftJoin('users as u', 'u.id', 'c.archived_by')
			.select(['c.id', 'c.title', 'c.archived_at', 'c.archived_by', 'u.name as byName'])
			.where('c.plan_id', '=', planId)
			.where('c.archived_at', 'is not', null)
			.orderBy('c.archived_at', 'desc')
			.execute(),
		db
			.selectFrom('themes as t')
			.leftJoin('chapters as c', 'c.id', 't.chapter_id')
			.leftJoin('users as u', 'u.id', 't.archived_by')
			.select(['t.id', 't.title', 't.number', 't.archived_at', 't.archived_by', 'u.name as byName', 'c.archived_at as chapterArchivedAt'])
			.where('t.plan_id', '=', planId)
			.where('t.archived_at', 'is not', null)
			.orderBy('t.archived_at', 'desc')
			.execute(),
		db
			.selectFrom('actions as a')
			.innerJoin('themes as t', 't.id', 'a.theme_id')
			.leftJoin('users as u', 'u.id', 'a.archived_by')
			.select(['a.id', 'a.title', 'a.archived_at', 'a.archived_by', 'u.name as byName', 't.title as themeTitle', 't.archived_at as themeArchivedAt'])
			.where('a.plan_id', '=', planId)
			.where('a.archived_at', 'is not', null)
			.orderBy('a.archived_at', 'desc')
			.execute()
	]);
	const by = (id: string | null, name: string | null) => (id && name ? { id, name } : null);
	return {
		chapters: chapters.map((c) => ({
			kind: 'chapter',
			id: c.id,
			title: c.title,
			context: null,
			archivedAt: c.archived_at!,
			archivedBy: by(c.archived_by, c.byName),
			blockedBy: null
		})),
		themes: themes.map((t) => ({
			kind: 'theme',
			id: t.id,
			title: t.title,
			context: t.number,
			archivedAt: t.archived_at!,
			archivedBy: by(t.archived_by, t.byName),
			blockedBy: t.chapterArchivedAt !== null ? 'chapter_archived' : null
		})),
		actions: actions.map((a) => ({
			kind: 'action',
			id: a.id,
			title: a.title,
			context: a.themeTitle,
			archivedAt: a.archived_at!,
			archivedBy: by(a.archived_by, a.byName),
			blockedBy: a.themeArchivedAt !== null ? 'theme_archived' : null
		}))
	};
}

/** Restores an archived row of the plan; an action into an archived theme (or a theme into an archived chapter) is refused. */
export async function restoreArchived(db: Db, planId: string, kind: ArchivedItem['kind'], id: string): Promise<RestoreOutcome> {
	if (kind === 'chapter') {
		const row = await db
			.selectFrom('chapters')
			.select(['title'])
			.where('id', '=', id)
			.where('plan_id', '=', planId)
			.where('archived_at', 'is not', null)
			.executeTakeFirst();
		if (!row) return { ok: false, error: 'not_found' };
		await db.updateTable('chapters').set({ archived_at: null, archived_by: null }).where('id', '=', id).execute();
		return { ok: true, title: row.title };
	}
	if (kind === 'theme') {
		const row = await db
			.selectFrom('themes as t')
			.leftJoin('chapters as c', 'c.id', 't.chapter_id')
			.select(['t.title', 'c.archived_at as chapterArchivedAt'])
			.where('t.id', '=', id)
			.where('t.plan_id', '=', planId)
			.where('t.archived_at', 'is not', null)
			.executeTakeFirst();
		if (!row) return { ok: false, error: 'not_found' };
		if (row.chapterArchivedAt !== null) return { ok: false, error: 'chapter_archived' };
		await db.updateTable('themes').set({ archived_at: null, archived_by: null, updated_at: Date.now() }).where('id', '=', id).execute();
		return { ok: true, title: row.title };
	}
	const row = await db
		.selectFrom('actions as a')
		.innerJoin('themes as t', 't.id', 'a.theme_id')
		.select(['a.title', 't.archived_at as themeArchivedAt'])
		.where('a.id', '=', id)
		.where('a.plan_id', '=', planId)
		.where('a.archived_at', 'is not', null)
		.executeTakeFirst();
	if (!row) return { ok: false, error: 'not_found' };
	if (row.themeArchivedAt !== null) return { ok: false, error: 'theme_archived' };
	await db
		.updateTable('actions')
		.set({ archived_at: null, archived_by: null, archive_reason: null, updated_at: Date.now() })
		.where('id', '=', id)
		.execute();
	return { ok: true, title: row.title };
}

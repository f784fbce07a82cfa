import type { Db } from './db.ts';
import { newId } from './id.ts';
import { atEnd } from './positions.ts';

/**
 * A plan's structure: its chapters and the themes in them. Rows are never
 * deleted: archiving sets archived_at/archived_by, and the Archief page
 * restores them (archive.ts). The caller checked the right (canEditPlan);
 * every function checks that what it touches belongs to `planId`.
 */
export const STRUCTURE_TITLE_MAX = 300;
export const THEME_NUMBER_MAX = 20;

export type StructureError = 'not_found' | 'title_required' | 'title_too_long' | 'number_too_long' | 'at_edge' | 'chapter_not_empty';
export type StructureOutcome<T = void> = { ok: true; value: T } | { ok: false; error: StructureError };

const no = (error: StructureError): StructureOutcome<never> => ({ ok: false, error });

function title(input: string): StructureOutcome<string> {
	const t = input.trim().replace(/\s+/g, ' ');
	if (!t) return no('title_required');
	if (t.length > STRUCTURE_TITLE_MAX) return no('title_too_long');
	return { ok: true, value: t };
}

async function chapterOf(db: Db, planId: string, chapterId: string) {
	return db
		.selectFrom('chapters')
		.select(['id', 'position'])
		.where('id', '=', chapterId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
}

async function themeOf(db: Db, planId: string, themeId: string) {
	return db
		.selectFrom('themes')
		.select(['id', 'position', 'chapter_id'])
		.where('id', '=', themeId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
}

export async function createChapter(db: Db, planId: string, input: string): Promise<StructureOutcome<string>> {
	const t = title(input);
	if (!t.ok) return t;
	const id = newId();
	await atEnd(db, 'chapters', planId, (trx, position) =>
		trx.insertInto('chapters').values({ id, plan_id: planId, position, title: t.value, archived_at: null }).execute()
	);
	return { ok: true, value: id };
}

export async function renameChapter(db: Db, planId: string, chapterId: string, input: string): Promise<StructureOutcome> {
	const t = title(input);
	if (!t.ok) return t;
	if (!(await chapterOf(db, planId, chapterId))) return no('not_found');
	await db.updateTable('chapters').set({ title: t.value }).where('id', '=', chapterId).execute();
	return { ok: true, value: undefined };
}

/** Swaps a chapter with its neighbour above or below; 'at_edge' when there is none. */
export async function moveChapter(db: Db, planId: string, chapterId: string, direction: 'up' | 'down'): Promise<StructureOutcome> {
	const chapter = await chapterOf(db, planId, chapterId);
	if (!chapter) return no('not_found');
	const neighbour = await db
		.selectFrom('chapters')
		.select(['id', 'position'])
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.where('position', direction === 'up' ? '<' : '>', chapter.position)
		.orderBy('position', direction === 'up' ? 'desc' : 'asc')
		.limit(1)
		.executeTakeFirst();
	if (!neighbour) return no('at_edge');
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('chapters').set({ position: neighbour.position }).where('id', '=', chapter.id).execute();
		await trx.updateTable('chapters').set({ position: chapter.position }).where('id', '=', neighbour.id).execute();
	});
	return { ok: true, value: undefined };
}

/**
 * Archives an empty chapter: while it still holds themes it is refused, so no
 * theme ends up outside any chapter — move or archive them first.
 */
export async function archiveChapter(db: Db, planId: string, chapterId: string, userId: string): Promise<StructureOutcome<{ title: string }>> {
	const chapter = await db
		.selectFrom('chapters')
		.select(['id', 'title'])
		.where('id', '=', chapterId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!chapter) return no('not_found');
	const theme = await db
		.selectFrom('themes')
		.select('id')
		.where('chapter_id', '=', chapterId)
		.where('archived_at', 'is', null)
		.limit(1)
		.executeTakeFirst();
	if (theme) return no('chapter_not_empty');
	await db.updateTable('chapters').set({ archived_at: Date.now(), archived_by: userId }).where('id', '=', chapterId).execute();
	return { ok: true, value: { title: chapter.title } };
}

export async function renameTheme(db: Db, planId: string, themeId: string, input: string): Promise<StructureOutcome> {
	const t = title(input);
	if (!t.ok) return t;
	if (!(await themeOf(db, planId, themeId))) return no('not_found');
	await db.updateTable('themes').set({ title: t.value, updated_at: Date.now() }).where('id', '=', themeId).execute();
	return { ok: true, value: undefined };
}

/** Sets a theme's number as the document shows it ('2.1', 'A'); empty for none. */
export async function renumberTheme(db: Db, planId: string, themeId: string, input: string): Promise<StructureOutcome> {
	const n = input.trim();
	if (n.length > THEME_NUMBER_MAX) return no('number_too_long');
	if (!(await themeOf(db, planId, themeId))) return no('not_found');
	await db.updateTable('themes').set({ number: n || null, updated_at: Date.now() }).where('id', '=', themeId).execute();
	return { ok: true, value: undefined };
}

/** Swaps a theme with its neighbour above or below in the same chapter. */
export async function moveTheme(db: Db, planId: string, themeId: string, direction: 'up' | 'down'): Promise<StructureOutcome> {
	const theme = await themeOf(db, planId, themeId);
	if (!theme) return no('not_found');
	let q = db
		.selectFrom('themes')
		.select(['id', 'position'])
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.where('position', direction === 'up' ? '<' : '>', theme.position);
	q = theme.chapter_id === null ? q.where('chapter_id', 'is', null) : q.where('chapter_id', '=', theme.chapter_id);
	const neighbour = await q.orderBy('position', direction === 'up' ? 'desc' : 'asc').limit(1).executeTakeFirst();
	if (!neighbour) return no('at_edge');
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('themes').set({ position: neighbour.position }).where('id', '=', theme.id).execute();
		await trx.updateTable('themes').set({ position: theme.position }).where('id', '=', neighbour.id).execute();
	});
	return { ok: true, value: undefined };
}

/** Moves a theme to the end of another chapter of the same plan. */
export async function moveThemeToChapter(db: Db, planId: string, themeId: string, chapterId: string): Promise<StructureOutcome> {
	const [theme, chapter] = await Promise.all([themeOf(db, planId, themeId), chapterOf(db, planId, chapterId)]);
	if (!theme || !chapter) return no('not_found');
	if (theme.chapter_id === chapterId) return no('at_edge');
	await atEnd(db, 'themes', planId, (trx, position) =>
		trx.updateTable('themes').set({ chapter_id: chapterId, position, updated_at: Date.now() }).where('id', '=', themeId).execute()
	);
	return { ok: true, value: undefined };
}

/** Archives a theme; its actions stay with it and come back when it is restored. */
export async function archiveTheme(db: Db, planId: string, themeId: string, userId: string): Promise<StructureOutcome<{ title: string }>> {
	const theme = await db
		.selectFrom('themes')
		.select(['id', 'title'])
		.where('id', '=', themeId)
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!theme) return no('not_found');
	await db.updateTable('themes').set({ archived_at: Date.now(), archived_by: userId }).where('id', '=', themeId).execute();
	return { ok: true, value: { title: theme.title } };
}

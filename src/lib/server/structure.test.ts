import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTheme } from './plan.ts';
import { seedShape } from './plan-shape.fixtures.ts';
import {
	archiveChapter,
	archiveTheme,
	createChapter,
	moveChapter,
	moveTheme,
	moveThemeToChapter,
	renameChapter,
	renameTheme,
	renumberTheme
} from './structure.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
let s: Awaited<ReturnType<typeof seedShape>>;
const docs = new Map<string, Uint8Array>();

beforeAll(async () => {
	t = await createTestDatabase();
	s = await seedShape(t.db, docs);
});
afterAll(async () => t.close());

const chapterOrder = async (planId: string) =>
	(await t.db.selectFrom('chapters').select('title').where('plan_id', '=', planId).where('archived_at', 'is', null).orderBy('position').execute()).map((c) => c.title);
const themeOrder = async (chapterId: string) =>
	(await t.db.selectFrom('themes').select('title').where('chapter_id', '=', chapterId).where('archived_at', 'is', null).orderBy('position').execute()).map((c) => c.title);

describe('chapters', () => {
	it('are created, renamed and reordered', async () => {
		await renameChapter(t.db, s.regional, s.chapterId, 'Eerste');
		const second = await createChapter(t.db, s.regional, ' Tweede ');
		expect(second.ok).toBe(true);
		expect(await chapterOrder(s.regional)).toEqual(['Eerste', 'Tweede']);
		if (!second.ok) return;
		expect(await moveChapter(t.db, s.regional, second.value, 'up')).toEqual({ ok: true, value: undefined });
		expect(await chapterOrder(s.regional)).toEqual(['Tweede', 'Eerste']);
		expect(await moveChapter(t.db, s.regional, second.value, 'up')).toMatchObject({ ok: false, error: 'at_edge' });
		await moveChapter(t.db, s.regional, second.value, 'down');
		expect(await chapterOrder(s.regional)).toEqual(['Eerste', 'Tweede']);
	});

	it('refuse an empty or too long title and a chapter of another plan', async () => {
		expect(await createChapter(t.db, s.regional, '  ')).toMatchObject({ ok: false, error: 'title_required' });
		expect(await renameChapter(t.db, s.regional, s.chapterId, 'x'.repeat(500))).toMatchObject({ ok: false, error: 'title_too_long' });
		expect(await renameChapter(t.db, s.local, s.chapterId, 'Gekaapt')).toMatchObject({ ok: false, error: 'not_found' });
		expect(await chapterOrder(s.regional)).toEqual(['Eerste', 'Tweede']);
	});

	it('is archived only once empty', async () => {
		const c = await createChapter(t.db, s.regional, 'Tijdelijk');
		if (!c.ok) throw new Error('not created');
		const theme = await createTheme(t.db, { planId: s.regional, chapterId: c.value, title: 'Erin' }, (n, u) => docs.set(n, u));
		expect(await archiveChapter(t.db, s.regional, c.value, s.userId)).toMatchObject({ ok: false, error: 'chapter_not_empty' });
		await archiveTheme(t.db, s.regional, theme, s.userId);
		expect(await archiveChapter(t.db, s.regional, c.value, s.userId)).toEqual({ ok: true, value: { title: 'Tijdelijk' } });
		const row = await t.db.selectFrom('chapters').select(['archived_at', 'archived_by']).where('id', '=', c.value).executeTakeFirstOrThrow();
		expect(row.archived_by).toBe(s.userId);
		expect(row.archived_at).toBeGreaterThan(0);
	});
});

describe('themes', () => {
	it('are renamed, renumbered, reordered and moved to another chapter', async () => {
		const put = (n: string, u: Uint8Array) => docs.set(n, u);
		const second = await createTheme(t.db, { planId: s.regional, chapterId: s.chapterId, title: 'Tweede thema' }, put);
		expect(await renameTheme(t.db, s.regional, s.themeId, 'Hernoemd')).toMatchObject({ ok: true });
		expect(await renumberTheme(t.db, s.regional, s.themeId, ' 1.1 ')).toMatchObject({ ok: true });
		expect((await t.db.selectFrom('themes').select('number').where('id', '=', s.themeId).executeTakeFirstOrThrow()).number).toBe('1.1');
		expect(await themeOrder(s.chapterId)).toEqual(['Hernoemd', 'Tweede thema']);
		await moveTheme(t.db, s.regional, second, 'up');
		expect(await themeOrder(s.chapterId)).toEqual(['Tweede thema', 'Hernoemd']);
		const other = await createChapter(t.db, s.regional, 'Ander');
		if (!other.ok) throw new Error('not created');
		expect(await moveThemeToChapter(t.db, s.regional, second, other.value)).toMatchObject({ ok: true });
		expect(await themeOrder(other.value)).toEqual(['Tweede thema']);
		expect(await themeOrder(s.chapterId)).toEqual(['Hernoemd']);
	});

	it('refuse bad input and themes or chapters of another plan', async () => {
		expect(await renameTheme(t.db, s.regional, s.themeId, '')).toMatchObject({ ok: false, error: 'title_required' });
		expect(await renumberTheme(t.db, s.regional, s.themeId, 'x'.repeat(30))).toMatchObject({ ok: false, error: 'number_too_long' });
		expect(await renameTheme(t.db, s.local, s.themeId, 'Gekaapt')).toMatchObject({ ok: false, error: 'not_found' });
		const localChapter = (await t.db.selectFrom('chapters').select('id').where('plan_id', '=', s.local).executeTakeFirstOrThrow()).id;
		expect(await moveThemeToChapter(t.db, s.regional, s.themeId, localChapter)).toMatchObject({ ok: false, error: 'not_found' });
		expect(await themeOrder(s.chapterId)).toEqual(['Hernoemd']);
	});
});

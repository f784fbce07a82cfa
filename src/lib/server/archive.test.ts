import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listArchive, restoreArchived } from './archive.ts';
import { archiveAction, getActionContext, getPlanOutline } from './plan.ts';
import { loadUserRoles } from './access.ts';
import { seedShape } from './plan-shape.fixtures.ts';
import { archiveChapter, archiveTheme, createChapter, moveThemeToChapter } from './structure.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
let s: Awaited<ReturnType<typeof seedShape>>;
const docs = new Map<string, Uint8Array>();

beforeAll(async () => {
	t = await createTestDatabase();
	s = await seedShape(t.db, docs);
	await t.db.insertInto('region_memberships').values({ user_id: s.userId, region_id: s.regionId, role: 'editor' }).execute();
});
afterAll(async () => t.close());

const actionIds = async () => {
	const outline = await getPlanOutline(t.db, s.regional, await loadUserRoles(t.db, s.userId));
	return outline!.chapters.flatMap((c) => c.themes.flatMap((th) => th.actions.map((a) => a.id)));
};

describe('archive and restore', () => {
	it('lists an archived action with who and when, keeps its card readable and restores it', async () => {
		await archiveAction(t.db, s.actionId, null, s.userId);
		expect(await actionIds()).not.toContain(s.actionId);
		const archive = await listArchive(t.db, s.regional);
		expect(archive.actions).toMatchObject([
			{ kind: 'action', id: s.actionId, title: 'Eerste actie', context: 'Eerste thema', archivedBy: { id: s.userId, name: 'Eva Editor' }, blockedBy: null }
		]);
		const context = await getActionContext(t.db, s.actionId, await loadUserRoles(t.db, s.userId));
		expect(context?.archived).toMatchObject({ byName: 'Eva Editor' });
		expect(context?.canEdit).toBe(false);

		expect(await restoreArchived(t.db, s.regional, 'action', s.actionId)).toEqual({ ok: true, title: 'Eerste actie' });
		expect(await actionIds()).toContain(s.actionId);
		expect((await listArchive(t.db, s.regional)).actions).toEqual([]);
		expect(await restoreArchived(t.db, s.regional, 'action', s.actionId)).toEqual({ ok: false, error: 'not_found' });
	});

	it('refuses to restore an action into an archived theme, and a theme into an archived chapter', async () => {
		await archiveAction(t.db, s.actionId, null, s.userId);
		await archiveTheme(t.db, s.regional, s.themeId, s.userId);
		expect((await listArchive(t.db, s.regional)).actions[0].blockedBy).toBe('theme_archived');
		expect(await restoreArchived(t.db, s.regional, 'action', s.actionId)).toEqual({ ok: false, error: 'theme_archived' });

		const other = await createChapter(t.db, s.regional, 'Leeg');
		if (!other.ok) throw new Error('not created');
		// the archived theme sits in the first chapter; that chapter is now empty and can be archived
		expect(await archiveChapter(t.db, s.regional, s.chapterId, s.userId)).toMatchObject({ ok: true });
		expect(await restoreArchived(t.db, s.regional, 'theme', s.themeId)).toEqual({ ok: false, error: 'chapter_archived' });

		expect(await restoreArchived(t.db, s.regional, 'chapter', s.chapterId)).toMatchObject({ ok: true });
		expect(await restoreArchived(t.db, s.regional, 'theme', s.themeId)).toMatchObject({ ok: true });
		expect(await restoreArchived(t.db, s.regional, 'action', s.actionId)).toMatchObject({ ok: true });
		expect(await actionIds()).toContain(s.actionId);
		expect(await moveThemeToChapter(t.db, s.regional, s.themeId, other.value)).toMatchObject({ ok: true });
	});

	it('does not restore a row of another plan', async () => {
		await archiveAction(t.db, s.actionId, null, s.userId);
		expect(await restoreArchived(t.db, s.local, 'action', s.actionId)).toEqual({ ok: false, error: 'not_found' });
		expect((await listArchive(t.db, s.regional)).actions).toHaveLength(1);
		await restoreArchived(t.db, s.regional, 'action', s.actionId);
	});
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAction, createTheme } from './plan.ts';
import { seedShape } from './plan-shape.fixtures.ts';
import { createChapter, moveThemeToChapter } from './structure.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

// On PostgreSQL (npm run test:pg:domain) these run on a pool of ten connections, so the
// requests really overlap; on SQLite the single connection serialises them.
let t: TestDatabase;
let s: Awaited<ReturnType<typeof seedShape>>;
const docs = new Map<string, Uint8Array>();
const put = (name: string, update: Uint8Array) => void docs.set(name, update);

beforeAll(async () => {
	t = await createTestDatabase();
	s = await seedShape(t.db, docs);
});
afterAll(async () => t.close());

const positions = async (table: 'actions' | 'themes' | 'chapters', column: 'theme_id' | 'plan_id', id: string) =>
	(await t.db.selectFrom(table).select('position').where(column, '=', id).orderBy('position').execute()).map((r) => Number(r.position));

describe('adding at the same moment', () => {
	it('gives twelve new actions in one theme twelve different places', async () => {
		await Promise.all(Array.from({ length: 12 }, (_, i) => createAction(t.db, { planId: s.regional, themeId: s.themeId, level: 'regional', title: `Actie ${i}` }, put)));
		expect(await positions('actions', 'theme_id', s.themeId)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
	});

	it('gives eight new chapters eight different places', async () => {
		const made = await Promise.all(Array.from({ length: 8 }, (_, i) => createChapter(t.db, s.regional, `Hoofdstuk ${i}`)));
		expect(made.every((r) => r.ok)).toBe(true);
		expect(await positions('chapters', 'plan_id', s.regional)).toEqual(Array.from({ length: 9 }, (_, i) => i + 1));
	});

	it('puts themes that are added and moved at once each at their own place', async () => {
		const other = await createChapter(t.db, s.regional, 'Doel');
		if (!other.ok) throw new Error('no chapter');
		const created = await Promise.all(Array.from({ length: 6 }, (_, i) => createTheme(t.db, { planId: s.regional, chapterId: s.chapterId, title: `Thema ${i}` }, put)));
		await Promise.all([
			...created.slice(0, 3).map((id) => moveThemeToChapter(t.db, s.regional, id, other.value)),
			...Array.from({ length: 3 }, (_, i) => createTheme(t.db, { planId: s.regional, chapterId: s.chapterId, title: `Later ${i}` }, put))
		]);
		const all = await positions('themes', 'plan_id', s.regional);
		expect(new Set(all).size).toBe(all.length);
	});
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { MARK_START, markedParts } from '../search-marks.ts';
import { loadUserRoles, type UserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { archiveAction } from './plan.ts';
import { ftsQuery, search } from './search.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
const roles: Record<string, UserRoles> = {};

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	for (const name of ['lezer', 'ambassadeur']) {
		const user = await t.db.selectFrom('users').select('id').where('email', '=', `${name}@kring.example`).executeTakeFirstOrThrow();
		roles[name] = await loadUserRoles(t.db, user.id);
	}
});
afterAll(async () => t.close());

describe('search', () => {
	it('finds an action by a word of its card text and marks the match', async () => {
		const action = await t.db.selectFrom('actions').select(['id', 'text']).where('text', '!=', '').where('archived_at', 'is', null).executeTakeFirstOrThrow();
		const word = (action.text.match(/[\p{L}]{9,}/gu) ?? []).sort((x, y) => y.length - x.length)[0] ?? action.text;
		const hits = await search(t.db, roles.lezer, word, 500);
		const hit = hits.find((h) => h.id === action.id);
		expect(hit?.kind).toBe('action');
		expect(hit!.snippet).toContain(MARK_START);
	});

	it('ignores accents and matches the start of words', async () => {
		const plain = await search(t.db, roles.lezer, 'financiele');
		expect(plain.length).toBeGreaterThan(0);
		expect(await search(t.db, roles.lezer, 'financ')).not.toHaveLength(0);
	});

	it('shows only plans of regions the reader can read', async () => {
		// the ambassador reads Noord-Oost Gelderland only
		const hits = await search(t.db, roles.ambassadeur, 'huiselijk geweld', 500);
		const plans = await t.db.selectFrom('plans').select(['id', 'slug']).execute();
		const nog = plans.find((p) => p.slug.startsWith('noord-oost'))!.id;
		expect(hits.length).toBeGreaterThan(0);
		expect(hits.every((h) => h.planId === nog)).toBe(true);
	});

	it('follows edits and archiving through the tables, without a rebuild', async () => {
		const action = await t.db.selectFrom('actions').select(['id']).where('archived_at', 'is', null).executeTakeFirstOrThrow();
		await t.db.updateTable('actions').set({ title: 'Zoekproef met kwartelkoning' }).where('id', '=', action.id).execute();
		expect((await search(t.db, roles.lezer, 'kwartelkoning')).map((h) => h.id)).toEqual([action.id]);
		await archiveAction(t.db, action.id, null);
		expect(await search(t.db, roles.lezer, 'kwartelkoning')).toEqual([]);
	});

	it('turns typed text into safe terms, whatever it holds', async () => {
		expect(ftsQuery('  ')).toBeNull();
		expect(ftsQuery('"huis" OR geweld*')).toBe('"huis"* "OR"* "geweld"*');
		for (const hostile of ['"', 'a AND', 'NEAR(a b)', '*', "'; drop table plans; --", '(((', 'title:x']) {
			await expect(search(t.db, roles.lezer, hostile)).resolves.toBeInstanceOf(Array);
		}
	});

	it('splits marked text into parts for <mark>', () => {
		expect(markedParts('de \uE000meldcode\uE001 en')).toEqual([
			{ text: 'de ', mark: false },
			{ text: 'meldcode', mark: true },
			{ text: ' en', mark: false }
		]);
	});
});

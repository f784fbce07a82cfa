import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { MARK_END, MARK_START } from '../search-marks.ts';
import { canReadRegion, loadUserRoles, type UserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { markWords, searchMore, searchWords } from './search.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
const roles: Record<string, UserRoles> = {};
let nog: string;
let other: string;

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	for (const name of ['lezer', 'ambassadeur']) {
		const user = await t.db.selectFrom('users').select('id').where('email', '=', `${name}@kring.example`).executeTakeFirstOrThrow();
		roles[name] = await loadUserRoles(t.db, user.id);
	}
	const regions = await t.db.selectFrom('regions').select(['id', 'slug']).execute();
	nog = regions.find((r) => r.slug.startsWith('noord-oost'))!.id;
	// a region the ambassador (Noord-Oost Gelderland only) cannot read
	other = regions.find((r) => r.id !== nog && !canReadRegion(roles.ambassadeur, r.id))!.id;
});
afterAll(async () => t.close());

async function addPerson(name: string, regionId: string): Promise<string> {
	const id = `u-${Math.random().toString(36).slice(2)}`;
	await t.db.insertInto('users').values({ id, email: `${id}@kring.example`, name, password_hash: null, color: '#336699', created_at: Date.now() }).execute();
	await t.db.insertInto('region_memberships').values({ user_id: id, region_id: regionId, role: 'viewer' }).execute();
	return id;
}

async function addComment(regionId: string, body: string): Promise<{ commentId: string; threadId: string }> {
	const plan = await t.db.selectFrom('plans').select('id').where('region_id', '=', regionId).where('archived_at', 'is', null).executeTakeFirstOrThrow();
	const author = await t.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
	const threadId = `t-${Math.random().toString(36).slice(2)}`;
	const commentId = `c-${Math.random().toString(36).slice(2)}`;
	const now = Date.now();
	await t.db
		.insertInto('threads')
		.values({
			id: threadId,
			plan_id: plan.id,
			target_kind: 'plan',
			target_id: plan.id,
			theme_id: null,
			field: null,
			anchor_start: null,
			anchor_end: null,
			quote: null,
			author_id: author.id,
			resolved_by: null,
			resolved_at: null,
			created_at: now,
			updated_at: now
		})
		.execute();
	await t.db
		.insertInto('comments')
		.values({ id: commentId, thread_id: threadId, author_id: author.id, body, created_at: now, edited_at: null, deleted_at: null, deleted_by: null })
		.execute();
	return { commentId, threadId };
}

describe('searchMore: people, gemeenten and comments within the reader’s rights', () => {
	it('finds a person with a role in a readable region, not one only elsewhere', async () => {
		const near = await addPerson('Femke Zoekenga', nog);
		const far = await addPerson('Femke Verweggen', other);
		const hits = await searchMore(t.db, roles.ambassadeur, 'femke');
		expect(hits.people.map((p) => p.id)).toContain(near);
		expect(hits.people.map((p) => p.id)).not.toContain(far);
		expect(hits.people.find((p) => p.id === near)!.name).toBe(`${MARK_START}Femke${MARK_END} Zoekenga`);
		expect(hits.people.find((p) => p.id === near)!.regions.map((r) => r.slug)).toEqual([expect.stringMatching(/^noord-oost/)]);
	});

	it('does not find a deactivated account', async () => {
		const id = await addPerson('Gerrit Gestopt', nog);
		await t.db.updateTable('users').set({ deactivated_at: Date.now() }).where('id', '=', id).execute();
		expect((await searchMore(t.db, roles.ambassadeur, 'gestopt')).people).toEqual([]);
	});

	it('finds the gemeenten of readable regions only', async () => {
		const own = await t.db.selectFrom('municipalities').select(['id', 'name']).where('region_id', '=', nog).executeTakeFirstOrThrow();
		const foreign = await t.db.selectFrom('municipalities').select(['id', 'name']).where('region_id', '=', other).executeTakeFirstOrThrow();
		expect((await searchMore(t.db, roles.ambassadeur, own.name)).municipalities.map((mu) => mu.id)).toContain(own.id);
		expect((await searchMore(t.db, roles.ambassadeur, foreign.name)).municipalities.map((mu) => mu.id)).not.toContain(foreign.id);
	});

	it('finds comment text only in plans the reader may read, and never a deleted comment', async () => {
		const here = await addComment(nog, 'Kunnen we de **zoekproefwoord** planning delen?');
		const there = await addComment(other, 'Ook hier een zoekproefwoord, maar in een andere regio.');
		const hits = await searchMore(t.db, roles.ambassadeur, 'zoekproefwoord');
		expect(hits.comments.map((c) => c.id)).toEqual([here.commentId]);
		expect(hits.comments[0].snippet).toContain(`${MARK_START}zoekproefwoord${MARK_END}`);
		expect(hits.comments[0].snippet).not.toContain('**');
		expect(hits.comments[0].threadId).toBe(here.threadId);
		// someone who reads the other region finds that one
		const reader = [roles.lezer, roles.ambassadeur].find((r) => canReadRegion(r, other));
		if (reader) expect((await searchMore(t.db, reader, 'zoekproefwoord')).comments.map((c) => c.id)).toContain(there.commentId);
		await t.db.updateTable('comments').set({ deleted_at: Date.now(), body: '' }).where('id', '=', here.commentId).execute();
		expect((await searchMore(t.db, roles.ambassadeur, 'zoekproefwoord')).comments).toEqual([]);
	});

	it('finds nothing for someone without any role', async () => {
		const none: UserRoles = { regionRoles: new Map(), municipalEditor: new Map(), ambassadorOf: new Map() };
		expect(await searchMore(t.db, none, 'femke')).toEqual({ people: [], municipalities: [], comments: [] });
	});

	it('treats LIKE wildcards as text', async () => {
		expect((await searchMore(t.db, roles.ambassadeur, '%')).people).toEqual([]);
		expect(searchWords('100% _x_')).toEqual(['100', 'x']);
		expect(markWords('Femke femke', ['femke'])).toBe(`${MARK_START}Femke${MARK_END} ${MARK_START}femke${MARK_END}`);
	});
});

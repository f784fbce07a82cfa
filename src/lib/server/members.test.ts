import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import {
	assignAmbassador,
	grantRole,
	listMembers,
	listThemeAmbassadors,
	regionManagement,
	removeAmbassador,
	removeFromRegion,
	removeRole,
	setAccountActive,
	setRegionRole,
	type Actor
} from './members.ts';
import { createSession, generateSessionToken, validateSessionToken } from './session.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { createUser } from './user.ts';

let t: TestDatabase;
let admin: Actor;
let editor: Actor;
let viewer: Actor;
let arnhem: Actor;
let nog: string;
let achterhoek: string;

const policy = { idleTimeoutMs: 3_600_000, absoluteTimeoutMs: 7_200_000 };

async function actor(email: string): Promise<Actor> {
	return t.db.selectFrom('users').select(['id', 'name']).where('email', '=', email).executeTakeFirstOrThrow();
}
async function region(slug: string) {
	return (await t.db.selectFrom('regions').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}
async function municipality(slug: string) {
	return (await t.db.selectFrom('municipalities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}
async function themeOf(regionId: string) {
	return t.db
		.selectFrom('themes')
		.innerJoin('plans', 'plans.id', 'themes.plan_id')
		.select(['themes.id', 'plans.id as planId'])
		.where('plans.region_id', '=', regionId)
		.where('plans.scope', '=', 'region')
		.orderBy('themes.position')
		.executeTakeFirstOrThrow();
}
async function auditActions() {
	return (await t.db.selectFrom('audit_log').select(['action', 'region_id']).orderBy('id').execute()).map((r) => r.action);
}
/** Every table a member change could touch, to prove a refused change changed nothing. */
async function snapshot() {
	return {
		region: await t.db.selectFrom('region_memberships').select(['user_id', 'region_id', 'role']).orderBy('user_id').orderBy('region_id').execute(),
		municipal: await t.db.selectFrom('municipality_memberships').select(['user_id', 'municipality_id']).orderBy('user_id').execute(),
		ambassadors: await t.db.selectFrom('theme_ambassadors').selectAll().orderBy('theme_id').orderBy('user_id').execute(),
		users: await t.db.selectFrom('users').select(['id', 'deactivated_at']).orderBy('id').execute(),
		audit: await t.db.selectFrom('audit_log').select('id').execute()
	};
}

beforeEach(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	admin = await actor('beheerder@kring.example');
	editor = await actor('werkgroep@kring.example');
	viewer = await actor('lezer@kring.example');
	arnhem = await actor('arnhem@kring.example');
	nog = await region('noord-oost-gelderland');
	achterhoek = await region('arnhem-achterhoek');
});
afterEach(async () => t.close());

describe('who may manage a region', () => {
	it('admins manage, other members get 403-level, strangers 404-level', async () => {
		expect((await regionManagement(t.db, admin.id, 'noord-oost-gelderland'))?.level).toBe('admin');
		expect((await regionManagement(t.db, viewer.id, 'noord-oost-gelderland'))?.level).toBe('member');
		expect((await regionManagement(t.db, arnhem.id, 'noord-oost-gelderland'))?.level).toBe('none');
		expect(await regionManagement(t.db, admin.id, 'bestaat-niet')).toBeNull();
	});

	it('the instance admin manages every region, without a role in it', async () => {
		const boss = await createUser(t.db, { email: 'baas@example.test', name: 'Baas', password: null });
		await t.db.updateTable('users').set({ instance_admin: 1 }).where('id', '=', boss.id).execute();
		expect((await regionManagement(t.db, boss.id, 'kennemerland'))?.level).toBe('admin');
	});
});

describe('the member list', () => {
	it('lists region roles, gemeente editors and ambassadors, and who has no account', async () => {
		const members = await listMembers(t.db, achterhoek);
		const ruben = members.find((m) => m.email === 'arnhem@kring.example')!;
		expect(ruben.roles).toEqual([{ role: 'viewer' }, { role: 'municipal_editor', municipalityId: await municipality('arnhem') }]);
		expect(ruben.hasAccount).toBe(true);
		const nogMembers = await listMembers(t.db, nog);
		const marloes = nogMembers.find((m) => m.email === 'marloes.verhoef@apeldoorn.example')!;
		expect(marloes.hasAccount).toBe(false);
		expect(marloes.roles.every((r) => r.role === 'ambassador')).toBe(true);
		expect(nogMembers.find((m) => m.email === 'beheerder@kring.example')!.roles).toEqual([{ role: 'admin' }]);
	});
});

describe('changing roles', () => {
	it('an admin lowers an editor to viewer, with an audit row in the region', async () => {
		const result = await setRegionRole(t.db, { actor: admin, regionId: nog }, { userId: editor.id, role: 'viewer' });
		expect(result.ok).toBe(true);
		expect((await loadUserRoles(t.db, editor.id)).regionRoles.get(nog)).toBe('viewer');
		const row = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'role.changed').executeTakeFirstOrThrow();
		expect(row).toMatchObject({ region_id: nog, actor_id: admin.id, object_id: editor.id });
		expect(JSON.parse(row.detail!)).toEqual({ from: 'editor', to: 'viewer' });
	});

	it('a forged post by a non-admin changes nothing, in every admin form', async () => {
		const before = await snapshot();
		const theme = await themeOf(nog);
		const ctx = { actor: viewer, regionId: nog };
		const results = [
			await setRegionRole(t.db, ctx, { userId: viewer.id, role: 'admin' }),
			await setRegionRole(t.db, { actor: editor, regionId: nog }, { userId: editor.id, role: 'admin' }),
			await grantRole(t.db, ctx, { userId: viewer.id, role: { role: 'municipal_editor', municipalityId: await municipality('apeldoorn') } }),
			await removeRole(t.db, ctx, { userId: admin.id, role: { role: 'admin' } }),
			await removeFromRegion(t.db, ctx, { userId: admin.id }),
			await setAccountActive(t.db, ctx, { userId: admin.id, active: false }),
			await assignAmbassador(t.db, { actor: viewer }, { themeId: theme.id, ambassador: { kind: 'member', userId: viewer.id } }),
			await removeAmbassador(t.db, { actor: viewer }, { themeId: theme.id, userId: (await listThemeAmbassadors(t.db, theme.id))[0].userId })
		];
		for (const r of results) expect(r).toEqual({ ok: false, error: 'forbidden' });
		expect(await snapshot()).toEqual(before);
	});

	it('an admin of another region cannot change this one', async () => {
		const other = await createUser(t.db, { email: 'ander@example.test', name: 'Ander', password: null });
		await t.db.insertInto('region_memberships').values({ user_id: other.id, region_id: achterhoek, role: 'admin' }).execute();
		const result = await setRegionRole(t.db, { actor: other, regionId: nog }, { userId: editor.id, role: 'admin' });
		expect(result).toEqual({ ok: false, error: 'forbidden' });
	});

	it('refuses a gemeente of another region and a theme of another region', async () => {
		const before = await snapshot();
		const foreignTheme = await themeOf(achterhoek);
		expect(await grantRole(t.db, { actor: admin, regionId: nog }, { userId: viewer.id, role: { role: 'municipal_editor', municipalityId: await municipality('arnhem') } })).toEqual({
			ok: false,
			error: 'bad_municipality'
		});
		expect(await grantRole(t.db, { actor: admin, regionId: nog }, { userId: viewer.id, role: { role: 'ambassador', themeId: foreignTheme.id } })).toEqual({
			ok: false,
			error: 'bad_theme'
		});
		expect(await snapshot()).toEqual(before);
	});

	it('grants a gemeente role to a member, and refuses a non-member', async () => {
		const apeldoorn = await municipality('apeldoorn');
		expect((await grantRole(t.db, { actor: admin, regionId: nog }, { userId: viewer.id, role: { role: 'municipal_editor', municipalityId: apeldoorn } })).ok).toBe(true);
		expect((await loadUserRoles(t.db, viewer.id)).municipalEditor.has(apeldoorn)).toBe(true);
		expect(await grantRole(t.db, { actor: admin, regionId: nog }, { userId: arnhem.id, role: { role: 'municipal_editor', municipalityId: apeldoorn } })).toEqual({
			ok: false,
			error: 'not_member'
		});
		expect(await auditActions()).toEqual(['role.granted']);
	});

	it('removing from the region takes every role in it, and only in it', async () => {
		const result = await removeFromRegion(t.db, { actor: admin, regionId: achterhoek }, { userId: arnhem.id });
		expect(result).toEqual({ ok: true, value: 2 });
		const roles = await loadUserRoles(t.db, arnhem.id);
		expect(roles.regionRoles.size).toBe(0);
		expect(roles.municipalEditor.size).toBe(0);
		expect((await loadUserRoles(t.db, viewer.id)).regionRoles.get(nog)).toBe('viewer');
		expect(await auditActions()).toEqual(['role.removed', 'role.removed']);
	});
});

describe('the last admin', () => {
	it('cannot lower or remove themselves; a second admin makes it possible', async () => {
		const before = await snapshot();
		expect(await setRegionRole(t.db, { actor: admin, regionId: nog }, { userId: admin.id, role: 'editor' })).toEqual({ ok: false, error: 'last_admin' });
		expect(await removeFromRegion(t.db, { actor: admin, regionId: nog }, { userId: admin.id })).toEqual({ ok: false, error: 'last_admin' });
		expect(await removeRole(t.db, { actor: admin, regionId: nog }, { userId: admin.id, role: { role: 'admin' } })).toEqual({ ok: false, error: 'last_admin' });
		expect(await snapshot()).toEqual(before);

		expect((await setRegionRole(t.db, { actor: admin, regionId: nog }, { userId: editor.id, role: 'admin' })).ok).toBe(true);
		expect((await setRegionRole(t.db, { actor: admin, regionId: nog }, { userId: admin.id, role: 'viewer' })).ok).toBe(true);
		// now the former editor is the last admin
		expect(await setRegionRole(t.db, { actor: editor, regionId: nog }, { userId: editor.id, role: 'viewer' })).toEqual({ ok: false, error: 'last_admin' });
	});
});

describe('deactivating an account', () => {
	it('is for the instance admin only; it ends sessions and refuses new ones', async () => {
		const token = generateSessionToken();
		await createSession(t.db, token, viewer.id, policy);
		await t.db.updateTable('users').set({ instance_admin: 0 }).where('id', '=', admin.id).execute();
		expect(await setAccountActive(t.db, { actor: admin, regionId: nog }, { userId: viewer.id, active: false })).toEqual({ ok: false, error: 'forbidden' });
		expect((await validateSessionToken(t.db, token, policy)).user?.id).toBe(viewer.id);

		await t.db.updateTable('users').set({ instance_admin: 1 }).where('id', '=', admin.id).execute();
		expect((await setAccountActive(t.db, { actor: admin, regionId: nog }, { userId: viewer.id, active: false })).ok).toBe(true);
		expect((await validateSessionToken(t.db, token, policy)).user).toBeNull();
		expect(await t.db.selectFrom('sessions').select('id').where('user_id', '=', viewer.id).execute()).toEqual([]);
		// a session made some other way still fails while deactivated
		const second = generateSessionToken();
		await createSession(t.db, second, viewer.id, policy);
		expect((await validateSessionToken(t.db, second, policy)).user).toBeNull();

		expect((await setAccountActive(t.db, { actor: admin, regionId: nog }, { userId: viewer.id, active: true })).ok).toBe(true);
		const third = generateSessionToken();
		await createSession(t.db, third, viewer.id, policy);
		expect((await validateSessionToken(t.db, third, policy)).user?.id).toBe(viewer.id);
		expect(await auditActions()).toEqual(['account.deactivated', 'account.reactivated']);
		expect(await setAccountActive(t.db, { actor: admin, regionId: nog }, { userId: admin.id, active: false })).toEqual({ ok: false, error: 'self_deactivate' });
	});
});

describe('ambassadors', () => {
	it('a plan editor names a member and a person without account, and removes them', async () => {
		const theme = await themeOf(nog);
		const member = await assignAmbassador(t.db, { actor: editor }, { themeId: theme.id, ambassador: { kind: 'member', userId: viewer.id } });
		expect(member.ok).toBe(true);
		const person = await assignAmbassador(
			t.db,
			{ actor: editor },
			{ themeId: theme.id, ambassador: { kind: 'person', name: 'Iris Veld', municipalityId: await municipality('epe'), organisation: null } }
		);
		expect(person.ok).toBe(true);
		const list = await listThemeAmbassadors(t.db, theme.id);
		expect(list.find((a) => a.name === 'Iris Veld')).toMatchObject({ hasAccount: false, municipalityName: 'Epe' });
		expect(list.find((a) => a.userId === viewer.id)?.hasAccount).toBe(true);
		// the person without account is a member of the region now, shown without e-mail address
		expect((await listMembers(t.db, nog)).find((m) => m.name === 'Iris Veld')).toMatchObject({ email: null, hasAccount: false });

		expect((await removeAmbassador(t.db, { actor: editor }, { themeId: theme.id, userId: viewer.id })).ok).toBe(true);
		expect((await listThemeAmbassadors(t.db, theme.id)).some((a) => a.userId === viewer.id)).toBe(false);
		const rows = await t.db.selectFrom('audit_log').select(['action', 'region_id']).execute();
		expect(rows).toEqual([
			{ action: 'ambassador.assigned', region_id: nog },
			{ action: 'ambassador.assigned', region_id: nog },
			{ action: 'ambassador.removed', region_id: nog }
		]);
	});

	it('refuses a stranger to the region, a gemeente elsewhere, and a gemeente editor of another plan', async () => {
		const theme = await themeOf(nog);
		const before = await snapshot();
		expect(await assignAmbassador(t.db, { actor: admin }, { themeId: theme.id, ambassador: { kind: 'member', userId: arnhem.id } })).toEqual({ ok: false, error: 'not_member' });
		expect(
			await assignAmbassador(t.db, { actor: admin }, { themeId: theme.id, ambassador: { kind: 'person', name: 'X', municipalityId: await municipality('arnhem'), organisation: null } })
		).toEqual({ ok: false, error: 'bad_municipality' });
		// a gemeente editor may not set the ambassadors of the regional plan
		const achterhoekTheme = await themeOf(achterhoek);
		expect(await assignAmbassador(t.db, { actor: arnhem }, { themeId: achterhoekTheme.id, ambassador: { kind: 'member', userId: arnhem.id } })).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(await snapshot()).toEqual(before);
	});
});

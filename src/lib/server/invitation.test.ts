import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { loadUserRoles } from './access.ts';
import { DEMO_PASSWORD, seedDemo } from './demo.ts';
import {
	acceptInvitation,
	createInvitations,
	findInvitation,
	hashInvitationToken,
	INVITATION_TOKEN,
	INVITATION_TTL_MS,
	listPendingInvitations,
	resendInvitation,
	splitEmails,
	withdrawInvitation
} from './invitation.ts';
import { assignAmbassador, listMembers, type Actor } from './members.ts';
import { verifyPassword } from './password.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
let admin: Actor;
let viewer: Actor;
let nog: string;

const PASSWORD = 'een-lang-nieuw-wachtwoord';

async function actor(email: string): Promise<Actor> {
	return t.db.selectFrom('users').select(['id', 'name']).where('email', '=', email).executeTakeFirstOrThrow();
}
async function municipality(slug: string) {
	return (await t.db.selectFrom('municipalities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}
async function invite(email: string, role: Parameters<typeof createInvitations>[2]['role'] = { role: 'viewer' }, now = Date.now()) {
	const result = await createInvitations(t.db, { actor: admin, regionId: nog }, { emails: [email], role }, now);
	if (!result.ok) throw new Error(`invite failed: ${result.error}`);
	return result.value[0];
}
async function count(table: 'invitations' | 'users' | 'audit_log' | 'region_memberships') {
	return Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

beforeEach(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	admin = await actor('beheerder@kring.example');
	viewer = await actor('lezer@kring.example');
	nog = (await t.db.selectFrom('regions').select('id').where('slug', '=', 'noord-oost-gelderland').executeTakeFirstOrThrow()).id;
});
afterEach(async () => t.close());

describe('invitation tokens', () => {
	it('stores only the SHA-256 of a 160-bit token', async () => {
		const issued = await invite('nieuw@example.test');
		expect(issued.token).toMatch(INVITATION_TOKEN);
		const row = await t.db.selectFrom('invitations').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow();
		expect(row.token_hash).toBe(hashInvitationToken(issued.token));
		expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(row)).not.toContain(issued.token);
		expect(JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute())).not.toContain(issued.token);
		expect(row.expires_at - row.created_at).toBe(INVITATION_TTL_MS);
	});

	it('finds nothing for malformed or unknown tokens', async () => {
		await invite('nieuw@example.test');
		for (const token of ['', 'abc', 'a'.repeat(32), "' or 1=1 --", 'A'.repeat(32)]) {
			expect(await findInvitation(t.db, token)).toEqual({ ok: false, state: 'unknown' });
		}
	});

	it('expires after 14 days', async () => {
		const now = Date.now();
		const issued = await invite('nieuw@example.test', { role: 'viewer' }, now);
		expect((await findInvitation(t.db, issued.token, now + INVITATION_TTL_MS - 1000)).ok).toBe(true);
		expect(await findInvitation(t.db, issued.token, now + INVITATION_TTL_MS)).toEqual({ ok: false, state: 'expired' });
		expect(await acceptInvitation(t.db, issued.token, { mode: 'new', name: 'Nieuw', password: PASSWORD }, null, now + INVITATION_TTL_MS + 1)).toEqual({
			ok: false,
			error: 'expired'
		});
		expect(await t.db.selectFrom('users').select('id').where('email', '=', 'nieuw@example.test').executeTakeFirst()).toBeUndefined();
	});
});

describe('accepting', () => {
	it('creates the account with the role, once', async () => {
		const issued = await invite('nieuw@example.test', { role: 'editor' });
		const found = await findInvitation(t.db, issued.token);
		expect(found.ok && found.invitation).toMatchObject({ email: 'nieuw@example.test', mode: 'new', region: { slug: 'noord-oost-gelderland' }, invitedBy: 'Sanne Bakker' });
		const accepted = await acceptInvitation(t.db, issued.token, { mode: 'new', name: 'Nieuwe Collega', password: PASSWORD });
		expect(accepted).toMatchObject({ ok: true, regionSlug: 'noord-oost-gelderland' });
		const userId = accepted.ok ? accepted.userId : '';
		const user = await t.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
		expect(user).toMatchObject({ email: 'nieuw@example.test', name: 'Nieuwe Collega' });
		expect(await verifyPassword(user.password_hash, PASSWORD)).toBe(true);
		expect((await loadUserRoles(t.db, userId)).regionRoles.get(nog)).toBe('editor');
		const audit = await t.db.selectFrom('audit_log').select(['action', 'region_id', 'actor_id']).orderBy('id').execute();
		expect(audit.map((a) => a.action)).toEqual(['invitation.created', 'invitation.accepted', 'role.granted']);
		expect(audit.every((a) => a.region_id === nog)).toBe(true);

		// single use
		expect(await findInvitation(t.db, issued.token)).toEqual({ ok: false, state: 'used' });
		expect(await acceptInvitation(t.db, issued.token, { mode: 'new', name: 'Nog eens', password: PASSWORD })).toEqual({ ok: false, error: 'used' });
		expect(await listPendingInvitations(t.db, nog)).toEqual([]);
	});

	it('two racing acceptances: one wins, the other is told the link was used', async () => {
		const issued = await invite('race@example.test');
		const results = await Promise.all([
			acceptInvitation(t.db, issued.token, { mode: 'new', name: 'Een', password: PASSWORD }),
			acceptInvitation(t.db, issued.token, { mode: 'new', name: 'Twee', password: PASSWORD })
		]);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		expect(await t.db.selectFrom('users').select('id').where('email', '=', 'race@example.test').execute()).toHaveLength(1);
	});

	it('refuses a weak password, or the address as password, and changes nothing', async () => {
		const issued = await invite('nieuw@example.test');
		const users = await count('users');
		expect(await acceptInvitation(t.db, issued.token, { mode: 'new', name: 'N', password: 'kort' })).toMatchObject({ ok: false, error: 'weak_password', problem: 'too_short' });
		expect(await acceptInvitation(t.db, issued.token, { mode: 'new', name: 'N', password: 'nieuw@example.test' })).toMatchObject({
			ok: false,
			error: 'weak_password',
			problem: 'same_as_email'
		});
		expect(await count('users')).toBe(users);
		expect((await findInvitation(t.db, issued.token)).ok).toBe(true);
	});

	it('an existing account signs in with its own password to accept', async () => {
		const arnhem = await actor('arnhem@kring.example');
		const issued = await invite('arnhem@kring.example', { role: 'viewer' });
		const found = await findInvitation(t.db, issued.token);
		expect(found.ok && found.invitation.mode).toBe('sign_in');
		expect(await acceptInvitation(t.db, issued.token, { mode: 'new', name: 'Overname', password: PASSWORD })).toEqual({ ok: false, error: 'mode_changed' });
		expect(await acceptInvitation(t.db, issued.token, { mode: 'sign_in', password: 'fout-wachtwoord' })).toEqual({ ok: false, error: 'wrong_password' });
		expect((await loadUserRoles(t.db, arnhem.id)).regionRoles.has(nog)).toBe(false);
		const accepted = await acceptInvitation(t.db, issued.token, { mode: 'sign_in', password: DEMO_PASSWORD });
		expect(accepted).toMatchObject({ ok: true, userId: arnhem.id });
		expect((await loadUserRoles(t.db, arnhem.id)).regionRoles.get(nog)).toBe('viewer');
		expect((await actor('arnhem@kring.example')).name).toBe('Ruben Mulder');
	});

	it('a deactivated account cannot accept', async () => {
		const arnhem = await actor('arnhem@kring.example');
		const issued = await invite('arnhem@kring.example');
		await t.db.updateTable('users').set({ deactivated_at: Date.now() }).where('id', '=', arnhem.id).execute();
		expect(await acceptInvitation(t.db, issued.token, { mode: 'sign_in', password: DEMO_PASSWORD })).toEqual({ ok: false, error: 'deactivated' });
	});

	it('an account-less demo ambassador completes their own row and keeps their themes', async () => {
		const before = await t.db.selectFrom('users').select(['id']).where('email', '=', 'marloes.verhoef@apeldoorn.example').executeTakeFirstOrThrow();
		const themesBefore = (await loadUserRoles(t.db, before.id)).ambassadorOf.size;
		expect(themesBefore).toBeGreaterThan(0);
		const issued = await invite('marloes.verhoef@apeldoorn.example', { role: 'viewer' });
		const found = await findInvitation(t.db, issued.token);
		expect(found.ok && found.invitation).toMatchObject({ mode: 'new', knownName: 'Marloes Verhoef' });
		const accepted = await acceptInvitation(t.db, issued.token, { mode: 'new', name: 'Marloes Verhoef', password: PASSWORD });
		expect(accepted).toMatchObject({ ok: true, userId: before.id });
		const roles = await loadUserRoles(t.db, before.id);
		expect(roles.ambassadorOf.size).toBe(themesBefore);
		expect(roles.regionRoles.get(nog)).toBe('viewer');
		expect((await listMembers(t.db, nog)).find((m) => m.id === before.id)?.hasAccount).toBe(true);
	});

	it('an ambassador named without account is invited by e-mail and linked on acceptance', async () => {
		const theme = await t.db
			.selectFrom('themes')
			.innerJoin('plans', 'plans.id', 'themes.plan_id')
			.select('themes.id')
			.where('plans.region_id', '=', nog)
			.executeTakeFirstOrThrow();
		const named = await assignAmbassador(t.db, { actor: admin }, { themeId: theme.id, ambassador: { kind: 'person', name: 'Iris Veld', municipalityId: null, organisation: 'GGD' } });
		const rowId = named.ok ? named.value : '';
		const result = await createInvitations(
			t.db,
			{ actor: admin, regionId: nog },
			{ emails: ['iris@example.test'], role: { role: 'ambassador', themeId: theme.id }, linkUserId: rowId }
		);
		expect(result.ok).toBe(true);
		const token = result.ok ? result.value[0].token : '';
		expect(await acceptInvitation(t.db, token, { mode: 'new', name: 'Iris Veld', password: PASSWORD })).toMatchObject({ ok: true, userId: rowId });
		const user = await t.db.selectFrom('users').selectAll().where('id', '=', rowId).executeTakeFirstOrThrow();
		expect(user.email).toBe('iris@example.test');
		expect(user.password_hash).not.toBeNull();
		expect((await loadUserRoles(t.db, rowId)).ambassadorOf.has(theme.id)).toBe(true);
		const ambassador = await t.db.selectFrom('theme_ambassadors').selectAll().where('user_id', '=', rowId).executeTakeFirstOrThrow();
		expect(ambassador.organisation).toBe('GGD');
	});
});

describe('resend and withdraw', () => {
	it('resending makes a new link and a new expiry; the old link stops working', async () => {
		const now = Date.now();
		const issued = await invite('nieuw@example.test', { role: 'viewer' }, now);
		const resent = await resendInvitation(t.db, { actor: admin, regionId: nog }, { invitationId: issued.id }, now + 10 * 24 * 3_600_000);
		expect(resent.ok).toBe(true);
		const fresh = resent.ok ? resent.value : issued;
		expect(fresh.token).not.toBe(issued.token);
		expect(fresh.expiresAt).toBe(now + 10 * 24 * 3_600_000 + INVITATION_TTL_MS);
		expect(await findInvitation(t.db, issued.token, now + 11 * 24 * 3_600_000)).toEqual({ ok: false, state: 'unknown' });
		expect((await findInvitation(t.db, fresh.token, now + 20 * 24 * 3_600_000)).ok).toBe(true);
	});

	it('withdrawing stops the link for good', async () => {
		const issued = await invite('nieuw@example.test');
		expect((await withdrawInvitation(t.db, { actor: admin, regionId: nog }, { invitationId: issued.id })).ok).toBe(true);
		expect(await findInvitation(t.db, issued.token)).toEqual({ ok: false, state: 'withdrawn' });
		expect(await acceptInvitation(t.db, issued.token, { mode: 'new', name: 'N', password: PASSWORD })).toEqual({ ok: false, error: 'withdrawn' });
		expect(await resendInvitation(t.db, { actor: admin, regionId: nog }, { invitationId: issued.id })).toEqual({ ok: false, error: 'closed' });
		expect(await listPendingInvitations(t.db, nog)).toEqual([]);
		const actions = (await t.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((a) => a.action);
		expect(actions).toEqual(['invitation.created', 'invitation.withdrawn']);
	});

	it('a non-admin can neither invite, resend nor withdraw; nothing changes', async () => {
		const issued = await invite('nieuw@example.test');
		const [invitations, audit] = [await count('invitations'), await count('audit_log')];
		const ctx = { actor: viewer, regionId: nog };
		expect(await createInvitations(t.db, ctx, { emails: ['x@example.test'], role: { role: 'admin' } })).toEqual({ ok: false, error: 'forbidden' });
		expect(await resendInvitation(t.db, ctx, { invitationId: issued.id })).toEqual({ ok: false, error: 'forbidden' });
		expect(await withdrawInvitation(t.db, ctx, { invitationId: issued.id })).toEqual({ ok: false, error: 'forbidden' });
		// an admin of the region cannot touch another region's invitations through their own
		const kennemerland = (await t.db.selectFrom('regions').select('id').where('slug', '=', 'kennemerland').executeTakeFirstOrThrow()).id;
		expect(await withdrawInvitation(t.db, { actor: admin, regionId: kennemerland }, { invitationId: issued.id })).toEqual({ ok: false, error: 'not_found' });
		expect([await count('invitations'), await count('audit_log')]).toEqual([invitations, audit]);
		expect((await findInvitation(t.db, issued.token)).ok).toBe(true);
	});
});

describe('bad input', () => {
	it('splits addresses on lines, commas and semicolons, once each', () => {
		expect(splitEmails(' A@Example.test\nb@example.test, c@example.test;a@example.test\n\n')).toEqual(['a@example.test', 'b@example.test', 'c@example.test']);
	});

	it('refuses the whole list when one address is malformed, a member, or already invited', async () => {
		await invite('open@example.test');
		const before = await count('invitations');
		const ctx = { actor: admin, regionId: nog };
		expect(await createInvitations(t.db, ctx, { emails: ['goed@example.test', 'geen-adres', 'a@b'], role: { role: 'viewer' } })).toEqual({
			ok: false,
			error: 'bad_email',
			emails: ['geen-adres', 'a@b']
		});
		expect(await createInvitations(t.db, ctx, { emails: ['goed@example.test', 'lezer@kring.example'], role: { role: 'viewer' } })).toEqual({
			ok: false,
			error: 'already_member',
			emails: ['lezer@kring.example']
		});
		expect(await createInvitations(t.db, ctx, { emails: ['open@example.test'], role: { role: 'viewer' } })).toEqual({
			ok: false,
			error: 'already_invited',
			emails: ['open@example.test']
		});
		expect(await createInvitations(t.db, ctx, { emails: [], role: { role: 'viewer' } })).toEqual({ ok: false, error: 'no_addresses' });
		expect(await count('invitations')).toBe(before);
	});

	it('refuses a gemeente or theme of another region', async () => {
		const ctx = { actor: admin, regionId: nog };
		const foreignTheme = await t.db
			.selectFrom('themes')
			.innerJoin('plans', 'plans.id', 'themes.plan_id')
			.innerJoin('regions', 'regions.id', 'plans.region_id')
			.select('themes.id')
			.where('regions.slug', '=', 'kennemerland')
			.executeTakeFirstOrThrow();
		const before = await count('invitations');
		expect(await createInvitations(t.db, ctx, { emails: ['x@example.test'], role: { role: 'municipal_editor', municipalityId: await municipality('arnhem') } })).toEqual({
			ok: false,
			error: 'bad_municipality'
		});
		expect(await createInvitations(t.db, ctx, { emails: ['x@example.test'], role: { role: 'ambassador', themeId: foreignTheme.id } })).toEqual({ ok: false, error: 'bad_theme' });
		expect(await createInvitations(t.db, ctx, { emails: ['x@example.test'], role: { role: 'municipal_editor', municipalityId: 'bestaatniet' } })).toEqual({
			ok: false,
			error: 'bad_municipality'
		});
		expect(await count('invitations')).toBe(before);
	});

	it('invites many at once, each with its own link', async () => {
		const result = await createInvitations(t.db, { actor: admin, regionId: nog }, { emails: splitEmails('a@example.test, b@example.test\nc@example.test'), role: { role: 'viewer' } });
		expect(result.ok && result.value.map((i) => i.email)).toEqual(['a@example.test', 'b@example.test', 'c@example.test']);
		expect(new Set(result.ok ? result.value.map((i) => i.token) : []).size).toBe(3);
		expect((await listPendingInvitations(t.db, nog)).length).toBe(3);
	});
});

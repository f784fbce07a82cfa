import type { Transaction } from 'kysely';
import { canEditPlan, loadUserRoles } from './access.ts';
import { recordAudit, type AuditAction } from './audit.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import type { Database, InvitationRole, RegionRole } from './schema.ts';
import { invalidateUserSessions } from './session.ts';
import { colorFor } from './user.ts';

/**
 * Who has a role in a region, and the admin's changes to it.
 *
 * Rights model (checked here, in every function that changes something, so a
 * forged form post changes nothing):
 *  - a region's members are managed by its admins and by the instance admin
 *    (users.instance_admin = 1); they hold every right in the region, so they
 *    may grant any role in it — nobody else grants anything;
 *  - a theme's ambassadors are also set by whoever may edit the theme's plan
 *    as a whole (canEditPlan: werkgroepleden on regional plans, a gemeente's
 *    editors on its own plan);
 *  - a region keeps at least one admin: a change that would leave it without
 *    one is refused (so the last admin cannot remove or lower themselves);
 *  - deactivating an account is for the instance admin only; it ends the
 *    account's sessions (validateSessionToken refuses deactivated accounts).
 *
 * Every change writes its audit row in the same transaction. The caller
 * re-checks the person's open sockets afterwards (Runtime.recheckUser).
 */

export type MemberRoleName = InvitationRole;

export interface MemberRole {
	role: MemberRoleName;
	municipalityId?: string;
	themeId?: string;
}

export interface Member {
	id: string;
	name: string;
	/** null for an ambassador named without e-mail address */
	email: string | null;
	roles: MemberRole[];
	lastLoginAt: number | null;
	/** false: a person named as ambassador (or invited) who never set a password */
	hasAccount: boolean;
	deactivatedAt: number | null;
}

export interface Actor {
	id: string;
	name: string;
}

export type MemberError =
	| 'not_found'
	| 'forbidden'
	| 'not_member'
	| 'last_admin'
	| 'bad_municipality'
	| 'bad_theme'
	| 'already_has_role'
	| 'self_deactivate';

export type Outcome<T = void> = { ok: true; value: T } | { ok: false; error: MemberError };

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const no = (error: MemberError): Outcome<never> => ({ ok: false, error });

export const REGION_ROLES: readonly RegionRole[] = ['admin', 'editor', 'viewer'];

/** Account-less people named without e-mail get an address in the reserved .invalid domain (users.email is unique). */
const PLACEHOLDER_DOMAIN = '@geen-account.invalid';

export function isPlaceholderEmail(email: string): boolean {
	return email.endsWith(PLACEHOLDER_DOMAIN);
}

type Writer = Db | Transaction<Database>;

export interface RegionRef {
	id: string;
	slug: string;
	name: string;
}

export type RegionManagement = { region: RegionRef; level: 'admin' | 'member' | 'none'; instanceAdmin: boolean };

/**
 * How a user stands to a region's member management: admin (region admin or
 * instance admin), member (a role, no admin: 403), none (a stranger: 404).
 * null when the region does not exist.
 */
export async function regionManagement(db: Db, userId: string, regionSlug: string): Promise<RegionManagement | null> {
	const region = await db.selectFrom('regions').select(['id', 'slug', 'name']).where('slug', '=', regionSlug).executeTakeFirst();
	if (!region) return null;
	return { region, ...(await managementLevel(db, userId, region.id)) };
}

async function managementLevel(db: Writer, userId: string, regionId: string) {
	const user = await db.selectFrom('users').select(['instance_admin', 'deactivated_at']).where('id', '=', userId).executeTakeFirst();
	if (!user || user.deactivated_at !== null) return { level: 'none' as const, instanceAdmin: false };
	const instanceAdmin = user.instance_admin === 1;
	if (instanceAdmin) return { level: 'admin' as const, instanceAdmin };
	const roles = await regionRolesOf(db, userId, regionId);
	if (roles.some((r) => r.role === 'admin')) return { level: 'admin' as const, instanceAdmin };
	return { level: roles.length ? ('member' as const) : ('none' as const), instanceAdmin };
}

/** Is the actor an admin of the region (or the instance admin)? */
export async function canManageRegion(db: Writer, actorId: string, regionId: string): Promise<boolean> {
	return (await managementLevel(db, actorId, regionId)).level === 'admin';
}

/** All roles one user holds in one region. */
export async function regionRolesOf(db: Writer, userId: string, regionId: string): Promise<MemberRole[]> {
	const [region, municipal, ambassador] = await Promise.all([
		db.selectFrom('region_memberships').select('role').where('user_id', '=', userId).where('region_id', '=', regionId).execute(),
		db
			.selectFrom('municipality_memberships as mm')
			.innerJoin('municipalities as mu', 'mu.id', 'mm.municipality_id')
			.select('mm.municipality_id')
			.where('mm.user_id', '=', userId)
			.where('mu.region_id', '=', regionId)
			.execute(),
		db
			.selectFrom('theme_ambassadors as ta')
			.innerJoin('themes as t', 't.id', 'ta.theme_id')
			.innerJoin('plans as p', 'p.id', 't.plan_id')
			.select('ta.theme_id')
			.where('ta.user_id', '=', userId)
			.where('p.region_id', '=', regionId)
			.execute()
	]);
	return [
		...region.map((r) => ({ role: r.role }) as MemberRole),
		...municipal.map((r) => ({ role: 'municipal_editor', municipalityId: r.municipality_id }) as MemberRole),
		...ambassador.map((r) => ({ role: 'ambassador', themeId: r.theme_id }) as MemberRole)
	];
}

export async function isRegionMember(db: Writer, userId: string, regionId: string): Promise<boolean> {
	return (await regionRolesOf(db, userId, regionId)).length > 0;
}

/** Everyone with a role in the region, by name. */
export async function listMembers(db: Db, regionId: string): Promise<Member[]> {
	const [region, municipal, ambassador] = await Promise.all([
		db.selectFrom('region_memberships').select(['user_id', 'role']).where('region_id', '=', regionId).execute(),
		db
			.selectFrom('municipality_memberships as mm')
			.innerJoin('municipalities as mu', 'mu.id', 'mm.municipality_id')
			.select(['mm.user_id', 'mm.municipality_id'])
			.where('mu.region_id', '=', regionId)
			.orderBy('mu.name')
			.execute(),
		db
			.selectFrom('theme_ambassadors as ta')
			.innerJoin('themes as t', 't.id', 'ta.theme_id')
			.innerJoin('plans as p', 'p.id', 't.plan_id')
			.select(['ta.user_id', 'ta.theme_id'])
			.where('p.region_id', '=', regionId)
			.orderBy('p.title')
			.orderBy('t.position')
			.execute()
	]);
	const roles = new Map<string, MemberRole[]>();
	const add = (userId: string, role: MemberRole) => {
		const list = roles.get(userId) ?? [];
		list.push(role);
		roles.set(userId, list);
	};
	const rank = (r: RegionRole) => REGION_ROLES.indexOf(r);
	for (const r of [...region].sort((a, b) => rank(a.role) - rank(b.role))) add(r.user_id, { role: r.role });
	for (const r of municipal) add(r.user_id, { role: 'municipal_editor', municipalityId: r.municipality_id });
	for (const r of ambassador) add(r.user_id, { role: 'ambassador', themeId: r.theme_id });
	if (roles.size === 0) return [];
	const users = await db
		.selectFrom('users')
		.select(['id', 'name', 'email', 'password_hash', 'last_login_at', 'deactivated_at'])
		.where('id', 'in', [...roles.keys()])
		.execute();
	return users
		.map((u) => ({
			id: u.id,
			name: u.name,
			email: isPlaceholderEmail(u.email) ? null : u.email,
			roles: roles.get(u.id) ?? [],
			lastLoginAt: u.last_login_at,
			hasAccount: u.password_hash !== null,
			deactivatedAt: u.deactivated_at
		}))
		.sort((a, b) => a.name.localeCompare(b.name, 'nl'));
}

export interface RegionOptions {
	municipalities: { id: string; name: string }[];
	themes: { id: string; title: string; number: string | null; planId: string; planTitle: string }[];
}

/** The gemeenten and (live) themes of the region, for the role pickers. */
export async function regionOptions(db: Db, regionId: string): Promise<RegionOptions> {
	const [municipalities, themes] = await Promise.all([
		db.selectFrom('municipalities').select(['id', 'name']).where('region_id', '=', regionId).orderBy('name').execute(),
		db
			.selectFrom('themes as t')
			.innerJoin('plans as p', 'p.id', 't.plan_id')
			.select(['t.id', 't.title', 't.number', 'p.id as planId', 'p.title as planTitle'])
			.where('p.region_id', '=', regionId)
			.where('t.archived_at', 'is', null)
			.where('p.archived_at', 'is', null)
			.orderBy('p.title')
			.orderBy('t.position')
			.execute()
	]);
	return { municipalities, themes };
}

/** Checks that a gemeente or theme named with a role belongs to the region. */
export async function checkRoleTarget(db: Writer, regionId: string, role: MemberRole): Promise<MemberError | null> {
	if (role.role === 'municipal_editor') {
		if (!role.municipalityId) return 'bad_municipality';
		const mu = await db.selectFrom('municipalities').select('region_id').where('id', '=', role.municipalityId).executeTakeFirst();
		return mu?.region_id === regionId ? null : 'bad_municipality';
	}
	if (role.role === 'ambassador') {
		if (!role.themeId) return 'bad_theme';
		const theme = await themeRegion(db, role.themeId);
		return theme?.regionId === regionId ? null : 'bad_theme';
	}
	return REGION_ROLES.includes(role.role) ? null : 'forbidden';
}

async function themeRegion(db: Writer, themeId: string) {
	return db
		.selectFrom('themes as t')
		.innerJoin('plans as p', 'p.id', 't.plan_id')
		.select(['p.region_id as regionId', 'p.id as planId', 'p.scope', 'p.municipality_id as municipalityId', 't.title'])
		.where('t.id', '=', themeId)
		.executeTakeFirst();
}

async function adminCount(db: Writer, regionId: string): Promise<number> {
	const row = await db
		.selectFrom('region_memberships')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('region_id', '=', regionId)
		.where('role', '=', 'admin')
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

async function userLabel(db: Writer, userId: string): Promise<string | null> {
	const u = await db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirst();
	return u ? u.name : null;
}

function roleDetail(role: MemberRole): Record<string, string> {
	return {
		role: role.role,
		...(role.municipalityId ? { municipalityId: role.municipalityId } : {}),
		...(role.themeId ? { themeId: role.themeId } : {})
	};
}

interface ChangeContext {
	actor: Actor;
	regionId: string;
	/** the client address */
	origin?: string | null;
}

async function audit(db: Writer, ctx: ChangeContext, action: AuditAction, userId: string, detail: Record<string, string | number | boolean | null> = {}) {
	await recordAudit(db, {
		action,
		actor: ctx.actor,
		object: { type: 'user', id: userId, label: await userLabel(db, userId) },
		regionId: ctx.regionId,
		origin: ctx.origin ?? null,
		detail
	});
}

/**
 * Grants one role in the region to a user (within a transaction of the caller,
 * e.g. accepting an invitation). A region role replaces a lower one and never
 * lowers a higher one. Returns false when the user already held it.
 */
export async function grantRoleIn(trx: Writer, ctx: ChangeContext, userId: string, role: MemberRole): Promise<boolean> {
	if (role.role === 'municipal_editor') {
		const done = await trx
			.insertInto('municipality_memberships')
			.values({ user_id: userId, municipality_id: role.municipalityId!, role: 'municipal_editor' })
			.onConflict((oc) => oc.doNothing())
			.executeTakeFirst();
		if (Number(done.numInsertedOrUpdatedRows ?? 0) === 0) return false;
	} else if (role.role === 'ambassador') {
		const done = await trx
			.insertInto('theme_ambassadors')
			.values({ theme_id: role.themeId!, user_id: userId, municipality_id: null, organisation: null })
			.onConflict((oc) => oc.doNothing())
			.executeTakeFirst();
		if (Number(done.numInsertedOrUpdatedRows ?? 0) === 0) return false;
	} else {
		const current = await trx
			.selectFrom('region_memberships')
			.select('role')
			.where('user_id', '=', userId)
			.where('region_id', '=', ctx.regionId)
			.executeTakeFirst();
		if (current && REGION_ROLES.indexOf(current.role) <= REGION_ROLES.indexOf(role.role)) return false;
		if (current) {
			await trx.updateTable('region_memberships').set({ role: role.role }).where('user_id', '=', userId).where('region_id', '=', ctx.regionId).execute();
			await audit(trx, ctx, 'role.changed', userId, { from: current.role, to: role.role });
			return true;
		}
		await trx.insertInto('region_memberships').values({ user_id: userId, region_id: ctx.regionId, role: role.role }).execute();
	}
	await audit(trx, ctx, role.role === 'ambassador' ? 'ambassador.assigned' : 'role.granted', userId, roleDetail(role));
	return true;
}

/** An admin gives an existing member of the region one more role (a gemeente, a theme, or a region role). */
export async function grantRole(db: Db, ctx: ChangeContext, input: { userId: string; role: MemberRole }): Promise<Outcome> {
	return db.transaction().execute(async (trx) => {
		if (!(await canManageRegion(trx, ctx.actor.id, ctx.regionId))) return no('forbidden');
		if (!(await isRegionMember(trx, input.userId, ctx.regionId))) return no('not_member');
		const bad = await checkRoleTarget(trx, ctx.regionId, input.role);
		if (bad) return no(bad);
		if (REGION_ROLES.includes(input.role.role as RegionRole)) return setRegionRoleIn(trx, ctx, input.userId, input.role.role as RegionRole);
		if (!(await grantRoleIn(trx, ctx, input.userId, input.role))) return no('already_has_role');
		return ok(undefined);
	});
}

async function setRegionRoleIn(trx: Transaction<Database>, ctx: ChangeContext, userId: string, role: RegionRole | null): Promise<Outcome> {
	const current = await trx
		.selectFrom('region_memberships')
		.select('role')
		.where('user_id', '=', userId)
		.where('region_id', '=', ctx.regionId)
		.executeTakeFirst();
	if ((current?.role ?? null) === role) return ok(undefined);
	if (current?.role === 'admin' && (await adminCount(trx, ctx.regionId)) <= 1) return no('last_admin');
	if (role === null) {
		await trx.deleteFrom('region_memberships').where('user_id', '=', userId).where('region_id', '=', ctx.regionId).execute();
		await audit(trx, ctx, 'role.removed', userId, { role: current!.role });
	} else if (current) {
		await trx.updateTable('region_memberships').set({ role }).where('user_id', '=', userId).where('region_id', '=', ctx.regionId).execute();
		await audit(trx, ctx, 'role.changed', userId, { from: current.role, to: role });
	} else {
		await trx.insertInto('region_memberships').values({ user_id: userId, region_id: ctx.regionId, role }).execute();
		await audit(trx, ctx, 'role.granted', userId, { role });
	}
	return ok(undefined);
}

/**
 * An admin sets a member's region role (beheerder, werkgroeplid, lezer), or
 * takes it away (null) from someone who keeps another role in the region.
 */
export async function setRegionRole(db: Db, ctx: ChangeContext, input: { userId: string; role: RegionRole | null }): Promise<Outcome> {
	return db.transaction().execute(async (trx) => {
		if (!(await canManageRegion(trx, ctx.actor.id, ctx.regionId))) return no('forbidden');
		const roles = await regionRolesOf(trx, input.userId, ctx.regionId);
		if (roles.length === 0) return no('not_member');
		if (input.role === null && roles.every((r) => REGION_ROLES.includes(r.role as RegionRole))) return no('not_member');
		return setRegionRoleIn(trx, ctx, input.userId, input.role);
	});
}

/** An admin takes one gemeente or theme role away from a member. */
export async function removeRole(db: Db, ctx: ChangeContext, input: { userId: string; role: MemberRole }): Promise<Outcome> {
	return db.transaction().execute(async (trx) => {
		if (!(await canManageRegion(trx, ctx.actor.id, ctx.regionId))) return no('forbidden');
		const bad = await checkRoleTarget(trx, ctx.regionId, input.role);
		if (bad) return no(bad);
		if (REGION_ROLES.includes(input.role.role as RegionRole)) return setRegionRoleIn(trx, ctx, input.userId, null);
		const removed = await deleteRole(trx, input.userId, input.role);
		if (!removed) return no('not_member');
		await audit(trx, ctx, input.role.role === 'ambassador' ? 'ambassador.removed' : 'role.removed', input.userId, roleDetail(input.role));
		return ok(undefined);
	});
}

async function deleteRole(trx: Writer, userId: string, role: MemberRole): Promise<boolean> {
	const result =
		role.role === 'municipal_editor'
			? await trx.deleteFrom('municipality_memberships').where('user_id', '=', userId).where('municipality_id', '=', role.municipalityId!).executeTakeFirst()
			: await trx.deleteFrom('theme_ambassadors').where('user_id', '=', userId).where('theme_id', '=', role.themeId!).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** An admin removes a person from the region: every role they hold in it. */
export async function removeFromRegion(db: Db, ctx: ChangeContext, input: { userId: string }): Promise<Outcome<number>> {
	return db.transaction().execute(async (trx) => {
		if (!(await canManageRegion(trx, ctx.actor.id, ctx.regionId))) return no('forbidden');
		const roles = await regionRolesOf(trx, input.userId, ctx.regionId);
		if (roles.length === 0) return no('not_member');
		for (const role of roles) {
			if (REGION_ROLES.includes(role.role as RegionRole)) {
				const result = await setRegionRoleIn(trx, ctx, input.userId, null);
				if (!result.ok) return result;
			} else {
				await deleteRole(trx, input.userId, role);
				await audit(trx, ctx, role.role === 'ambassador' ? 'ambassador.removed' : 'role.removed', input.userId, roleDetail(role));
			}
		}
		return ok(roles.length);
	});
}

/**
 * The instance admin deactivates (or reactivates) an account. Deactivating
 * ends all its sessions; validateSessionToken and the login refuse it.
 * `regionId` is the region whose members page it was done from (for the log).
 */
export async function setAccountActive(db: Db, ctx: ChangeContext, input: { userId: string; active: boolean }, now = Date.now()): Promise<Outcome> {
	return db.transaction().execute(async (trx) => {
		const actor = await trx.selectFrom('users').select('instance_admin').where('id', '=', ctx.actor.id).executeTakeFirst();
		if (actor?.instance_admin !== 1) return no('forbidden');
		if (input.userId === ctx.actor.id) return no('self_deactivate');
		const user = await trx.selectFrom('users').select('deactivated_at').where('id', '=', input.userId).executeTakeFirst();
		if (!user) return no('not_found');
		if ((user.deactivated_at === null) === input.active) return ok(undefined);
		await trx
			.updateTable('users')
			.set({ deactivated_at: input.active ? null : now })
			.where('id', '=', input.userId)
			.execute();
		if (!input.active) await invalidateUserSessions(trx as unknown as Db, input.userId);
		await audit(trx, ctx, input.active ? 'account.reactivated' : 'account.deactivated', input.userId);
		return ok(undefined);
	});
}

// ------------------------------------------------------------- ambassadors

export type AmbassadorInput =
	| { kind: 'member'; userId: string }
	| { kind: 'person'; name: string; municipalityId: string | null; organisation: string | null };

/** May the actor set this theme's ambassadors? Region admins, the instance admin, and editors of the theme's plan. */
export async function canSetAmbassadors(db: Writer, actorId: string, themeId: string): Promise<{ allowed: boolean; regionId: string | null }> {
	const theme = await themeRegion(db, themeId);
	if (!theme) return { allowed: false, regionId: null };
	if (await canManageRegion(db, actorId, theme.regionId)) return { allowed: true, regionId: theme.regionId };
	const roles = await loadUserRoles(db as Db, actorId);
	return { allowed: canEditPlan(roles, { regionId: theme.regionId, scope: theme.scope, municipalityId: theme.municipalityId }), regionId: theme.regionId };
}

/**
 * Names an ambassador of a theme: a member of the region (with or without
 * account), or a person without account by name with gemeente or
 * organisation (an account-less user row an admin can invite later).
 */
export async function assignAmbassador(
	db: Db,
	ctx: { actor: Actor; origin?: string | null },
	input: { themeId: string; ambassador: AmbassadorInput }
): Promise<Outcome<string>> {
	return db.transaction().execute(async (trx) => {
		const { allowed, regionId } = await canSetAmbassadors(trx, ctx.actor.id, input.themeId);
		if (!regionId) return no('not_found');
		if (!allowed) return no('forbidden');
		const change = { ...ctx, regionId };
		let userId: string;
		let municipalityId: string | null = null;
		let organisation: string | null = null;
		if (input.ambassador.kind === 'member') {
			userId = input.ambassador.userId;
			if (!(await isRegionMember(trx, userId, regionId))) return no('not_member');
		} else {
			municipalityId = input.ambassador.municipalityId;
			organisation = input.ambassador.organisation;
			if (municipalityId) {
				const bad = await checkRoleTarget(trx, regionId, { role: 'municipal_editor', municipalityId });
				if (bad) return no(bad);
			}
			userId = newId();
			await trx
				.insertInto('users')
				.values({
					id: userId,
					email: `${userId}${PLACEHOLDER_DOMAIN}`,
					name: input.ambassador.name,
					password_hash: null,
					color: colorFor(userId),
					created_at: Date.now()
				})
				.execute();
		}
		const done = await trx
			.insertInto('theme_ambassadors')
			.values({ theme_id: input.themeId, user_id: userId, municipality_id: municipalityId, organisation })
			.onConflict((oc) => oc.doNothing())
			.executeTakeFirst();
		if (Number(done.numInsertedOrUpdatedRows ?? 0) === 0) return no('already_has_role');
		await audit(trx, change, 'ambassador.assigned', userId, { themeId: input.themeId, account: input.ambassador.kind === 'member' });
		return ok(userId);
	});
}

export async function removeAmbassador(db: Db, ctx: { actor: Actor; origin?: string | null }, input: { themeId: string; userId: string }): Promise<Outcome> {
	return db.transaction().execute(async (trx) => {
		const { allowed, regionId } = await canSetAmbassadors(trx, ctx.actor.id, input.themeId);
		if (!regionId) return no('not_found');
		if (!allowed) return no('forbidden');
		if (!(await deleteRole(trx, input.userId, { role: 'ambassador', themeId: input.themeId }))) return no('not_member');
		await audit(trx, { ...ctx, regionId }, 'ambassador.removed', input.userId, { themeId: input.themeId });
		return ok(undefined);
	});
}

export interface ThemeAmbassador {
	userId: string;
	name: string;
	municipalityName: string | null;
	organisation: string | null;
	hasAccount: boolean;
}

export async function listThemeAmbassadors(db: Db, themeId: string): Promise<ThemeAmbassador[]> {
	const rows = await db
		.selectFrom('theme_ambassadors as ta')
		.innerJoin('users as u', 'u.id', 'ta.user_id')
		.leftJoin('municipalities as mu', 'mu.id', 'ta.municipality_id')
		.select(['u.id', 'u.name', 'u.password_hash', 'mu.name as municipalityName', 'ta.organisation'])
		.where('ta.theme_id', '=', themeId)
		.orderBy('u.name')
		.execute();
	return rows.map((r) => ({
		userId: r.id,
		name: r.name,
		municipalityName: r.municipalityName,
		organisation: r.organisation,
		hasAccount: r.password_hash !== null
	}));
}

/** Members of the region who could be named ambassador of a theme (not yet one of it). */
export async function ambassadorCandidates(db: Db, regionId: string, themeId: string): Promise<{ id: string; name: string }[]> {
	const current = new Set((await listThemeAmbassadors(db, themeId)).map((a) => a.userId));
	return (await listMembers(db, regionId)).filter((m) => !current.has(m.id) && m.deactivatedAt === null).map((m) => ({ id: m.id, name: m.name }));
}

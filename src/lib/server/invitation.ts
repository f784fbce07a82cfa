import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Transaction } from 'kysely';
import { parsePlanWords } from '../level-words.ts';
import { recordAudit } from './audit.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import { sendQuietly, type Mailer } from './mail.ts';
import { invitationMail, invitationRoleLabel } from './mail-templates.ts';
import { canManageRegion, checkRoleTarget, grantRoleIn, isPlaceholderEmail, isRegionMember, type Actor, type MemberRole } from './members.ts';
import { checkPasswordStrength, hashPassword, verifyPassword, type PasswordProblem } from './password.ts';
import type { Database, InvitationRole } from './schema.ts';
import { colorFor, normalizeEmail } from './user.ts';

/**
 * Invitations to a region, by e-mail link.
 *
 *  - The link carries a 160-bit random token; the database keeps only its
 *    SHA-256, so a copy of the database opens no link.
 *  - A link works once and for INVITATION_TTL_MS (14 days). Resending makes a
 *    new token and a new expiry (the old link stops working); withdrawing
 *    stops it for good.
 *  - Only a region's admins (and the instance admin) invite; they hold every
 *    right in the region, so nobody grants more than they have.
 *  - Accepting either creates the account (name and password), completes an
 *    account-less user row (an ambassador named earlier, or a demo ambassador),
 *    or — when the address already has an account with a password — needs that
 *    password. The role is granted in the same transaction as the audit rows.
 */

export const INVITATION_TTL_MS = 14 * 24 * 3_600_000;
/** 160 bits in base32: 32 characters */
export const INVITATION_TOKEN = /^[a-z2-7]{32}$/;
export const MAX_INVITES_AT_ONCE = 50;

export function generateInvitationToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashInvitationToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** A plain e-mail address check, the same at every entry (the form's schema checks too). */
const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

export function isValidEmail(email: string): boolean {
	return email.length <= 254 && EMAIL.test(email) && !isPlaceholderEmail(email);
}

/** Splits a textarea of addresses (one per line, or separated by commas or semicolons); duplicates once. */
export function splitEmails(raw: string): string[] {
	const seen = new Set<string>();
	for (const part of raw.split(/[\n,;\s]+/)) {
		const email = normalizeEmail(part);
		if (email) seen.add(email);
	}
	return [...seen];
}

export type InvitationError =
	| 'forbidden'
	| 'no_addresses'
	| 'too_many'
	| 'bad_email'
	| 'already_member'
	| 'already_invited'
	| 'bad_municipality'
	| 'bad_theme'
	| 'bad_role'
	| 'email_taken'
	| 'not_found'
	| 'closed';

export type InvitationOutcome<T> = { ok: true; value: T } | { ok: false; error: InvitationError; emails?: string[] };

export interface IssuedInvitation {
	id: string;
	email: string;
	token: string;
	expiresAt: number;
}

interface Context {
	actor: Actor;
	regionId: string;
	origin?: string | null;
}

type Writer = Db | Transaction<Database>;

function roleOf(row: { role: InvitationRole; municipality_id: string | null; theme_id: string | null }): MemberRole {
	return {
		role: row.role,
		...(row.municipality_id ? { municipalityId: row.municipality_id } : {}),
		...(row.theme_id ? { themeId: row.theme_id } : {})
	};
}

function detailOf(role: MemberRole): Record<string, string> {
	return { role: role.role, ...(role.municipalityId ? { municipalityId: role.municipalityId } : {}), ...(role.themeId ? { themeId: role.themeId } : {}) };
}

/**
 * Invites one or many addresses to the region with one role. All or nothing:
 * when one address is malformed, already a member or already invited, no
 * invitation is made and `emails` names the addresses at fault.
 * `linkUserId`: an account-less user row (an ambassador without account) that
 * accepting completes; only with exactly one address.
 */
export async function createInvitations(
	db: Db,
	ctx: Context,
	input: { emails: string[]; role: MemberRole; linkUserId?: string | null },
	now = Date.now()
): Promise<InvitationOutcome<IssuedInvitation[]>> {
	const emails = [...new Set(input.emails.map(normalizeEmail).filter(Boolean))];
	return db.transaction().execute(async (trx): Promise<InvitationOutcome<IssuedInvitation[]>> => {
		if (!(await canManageRegion(trx, ctx.actor.id, ctx.regionId))) return { ok: false, error: 'forbidden' };
		if (emails.length === 0) return { ok: false, error: 'no_addresses' };
		if (emails.length > MAX_INVITES_AT_ONCE) return { ok: false, error: 'too_many' };
		const malformed = emails.filter((e) => !isValidEmail(e));
		if (malformed.length) return { ok: false, error: 'bad_email', emails: malformed };
		const bad = await checkRoleTarget(trx, ctx.regionId, input.role);
		if (bad) return { ok: false, error: bad === 'forbidden' ? 'bad_role' : (bad as InvitationError) };

		let linkUserId: string | null = null;
		if (input.linkUserId) {
			if (emails.length !== 1) return { ok: false, error: 'too_many' };
			const linked = await trx.selectFrom('users').select(['id', 'password_hash']).where('id', '=', input.linkUserId).executeTakeFirst();
			if (!linked || linked.password_hash !== null || !(await isRegionMember(trx, linked.id, ctx.regionId))) return { ok: false, error: 'not_found' };
			const owner = await trx.selectFrom('users').select('id').where('email', '=', emails[0]).executeTakeFirst();
			if (owner && owner.id !== linked.id) return { ok: false, error: 'email_taken', emails };
			linkUserId = linked.id;
		}

		const members: string[] = [];
		const invited: string[] = [];
		for (const email of emails) {
			const user = await trx.selectFrom('users').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst();
			// An account-less row (a named ambassador) is no member yet in the sense of this check: inviting it is how it gets an account.
			if (user && user.id !== linkUserId && user.password_hash !== null && (await isRegionMember(trx, user.id, ctx.regionId))) members.push(email);
			const open = await trx
				.selectFrom('invitations')
				.select('id')
				.where('email', '=', email)
				.where('region_id', '=', ctx.regionId)
				.where('accepted_at', 'is', null)
				.where('withdrawn_at', 'is', null)
				.where('expires_at', '>', now)
				.executeTakeFirst();
			if (open) invited.push(email);
		}
		if (members.length) return { ok: false, error: 'already_member', emails: members };
		if (invited.length) return { ok: false, error: 'already_invited', emails: invited };

		const issued: IssuedInvitation[] = [];
		for (const email of emails) {
			const token = generateInvitationToken();
			const id = newId();
			const expiresAt = now + INVITATION_TTL_MS;
			await trx
				.insertInto('invitations')
				.values({
					id,
					token_hash: hashInvitationToken(token),
					email,
					region_id: ctx.regionId,
					role: input.role.role,
					municipality_id: input.role.municipalityId ?? null,
					theme_id: input.role.themeId ?? null,
					user_id: linkUserId,
					invited_by: ctx.actor.id,
					created_at: now,
					expires_at: expiresAt,
					accepted_at: null,
					accepted_by: null,
					withdrawn_at: null
				})
				.execute();
			await recordAudit(trx, {
				action: 'invitation.created',
				actor: ctx.actor,
				object: { type: 'invitation', id, label: email },
				regionId: ctx.regionId,
				origin: ctx.origin ?? null,
				at: now,
				detail: { ...detailOf(input.role), linked: linkUserId !== null }
			});
			issued.push({ id, email, token, expiresAt });
		}
		return { ok: true, value: issued };
	});
}

async function openInvitation(trx: Writer, regionId: string, invitationId: string) {
	return trx
		.selectFrom('invitations')
		.selectAll()
		.where('id', '=', invitationId)
		.where('region_id', '=', regionId)
		.executeTakeFirst();
}

/** A new link (new token, 14 days from now) for an invitation not yet accepted or withdrawn; the old link stops working. */
export async function resendInvitation(db: Db, ctx: Context, input: { invitationId: string }, now = Date.now()): Promise<InvitationOutcome<IssuedInvitation>> {
	return db.transaction().execute(async (trx): Promise<InvitationOutcome<IssuedInvitation>> => {
		if (!(await canManageRegion(trx, ctx.actor.id, ctx.regionId))) return { ok: false, error: 'forbidden' };
		const row = await openInvitation(trx, ctx.regionId, input.invitationId);
		if (!row) return { ok: false, error: 'not_found' };
		if (row.accepted_at !== null || row.withdrawn_at !== null) return { ok: false, error: 'closed' };
		const token = generateInvitationToken();
		const expiresAt = now + INVITATION_TTL_MS;
		await trx.updateTable('invitations').set({ token_hash: hashInvitationToken(token), expires_at: expiresAt }).where('id', '=', row.id).execute();
		await recordAudit(trx, {
			action: 'invitation.resent',
			actor: ctx.actor,
			object: { type: 'invitation', id: row.id, label: row.email },
			regionId: ctx.regionId,
			origin: ctx.origin ?? null,
			at: now,
			detail: detailOf(roleOf(row))
		});
		return { ok: true, value: { id: row.id, email: row.email, token, expiresAt } };
	});
}

export async function withdrawInvitation(db: Db, ctx: Context, input: { invitationId: string }, now = Date.now()): Promise<InvitationOutcome<void>> {
	return db.transaction().execute(async (trx): Promise<InvitationOutcome<void>> => {
		if (!(await canManageRegion(trx, ctx.actor.id, ctx.regionId))) return { ok: false, error: 'forbidden' };
		const row = await openInvitation(trx, ctx.regionId, input.invitationId);
		if (!row) return { ok: false, error: 'not_found' };
		if (row.accepted_at !== null || row.withdrawn_at !== null) return { ok: false, error: 'closed' };
		await trx.updateTable('invitations').set({ withdrawn_at: now }).where('id', '=', row.id).execute();
		await recordAudit(trx, {
			action: 'invitation.withdrawn',
			actor: ctx.actor,
			object: { type: 'invitation', id: row.id, label: row.email },
			regionId: ctx.regionId,
			origin: ctx.origin ?? null,
			at: now,
			detail: detailOf(roleOf(row))
		});
		return { ok: true, value: undefined };
	});
}

export interface PendingInvitation {
	id: string;
	email: string;
	role: InvitationRole;
	municipalityId: string | null;
	themeId: string | null;
	invitedBy: string | null;
	createdAt: number;
	expiresAt: number;
	expired: boolean;
}

/** Invitations neither accepted nor withdrawn (expired ones too: the admin may resend them), newest first. */
export async function listPendingInvitations(db: Db, regionId: string, now = Date.now()): Promise<PendingInvitation[]> {
	const rows = await db
		.selectFrom('invitations as i')
		.leftJoin('users as u', 'u.id', 'i.invited_by')
		.select(['i.id', 'i.email', 'i.role', 'i.municipality_id', 'i.theme_id', 'u.name as invitedBy', 'i.created_at', 'i.expires_at'])
		.where('i.region_id', '=', regionId)
		.where('i.accepted_at', 'is', null)
		.where('i.withdrawn_at', 'is', null)
		.orderBy('i.created_at', 'desc')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		email: r.email,
		role: r.role,
		municipalityId: r.municipality_id,
		themeId: r.theme_id,
		invitedBy: r.invitedBy,
		createdAt: r.created_at,
		expiresAt: r.expires_at,
		expired: r.expires_at <= now
	}));
}

// ------------------------------------------------------------- accepting

export type InvitationState = 'unknown' | 'expired' | 'withdrawn' | 'used';

export interface OpenInvitationView {
	id: string;
	email: string;
	role: MemberRole;
	region: { id: string; slug: string; name: string };
	/** the name of the gemeente or theme the role is for */
	targetName: string | null;
	invitedBy: string | null;
	expiresAt: number;
	/** 'new': set name and password; 'sign_in': the address has an account with a password */
	mode: 'new' | 'sign_in';
	/** the name already known (an account-less ambassador row), to prefill */
	knownName: string | null;
}

export type FoundInvitation = { ok: true; invitation: OpenInvitationView } | { ok: false; state: InvitationState };

async function rowByToken(db: Writer, token: string) {
	if (!INVITATION_TOKEN.test(token)) return undefined;
	return db.selectFrom('invitations').selectAll().where('token_hash', '=', hashInvitationToken(token)).executeTakeFirst();
}

function stateOf(row: { accepted_at: number | null; withdrawn_at: number | null; expires_at: number } | undefined, now: number): InvitationState | null {
	if (!row) return 'unknown';
	if (row.accepted_at !== null) return 'used';
	if (row.withdrawn_at !== null) return 'withdrawn';
	if (row.expires_at <= now) return 'expired';
	return null;
}

/** The account an invitation is accepted into, if one exists already. */
async function targetUser(db: Writer, row: { email: string; user_id: string | null }) {
	const byEmail = await db.selectFrom('users').select(['id', 'name', 'password_hash', 'deactivated_at']).where('email', '=', row.email).executeTakeFirst();
	if (byEmail?.password_hash) return { user: byEmail, linked: row.user_id && row.user_id !== byEmail.id ? row.user_id : null };
	if (row.user_id) {
		const linked = await db.selectFrom('users').select(['id', 'name', 'password_hash', 'deactivated_at']).where('id', '=', row.user_id).executeTakeFirst();
		if (linked && !linked.password_hash) return { user: linked, linked: null };
	}
	return { user: byEmail ?? null, linked: null };
}

export async function findInvitation(db: Db, token: string, now = Date.now()): Promise<FoundInvitation> {
	const row = await rowByToken(db, token);
	const state = stateOf(row, now);
	if (state || !row) return { ok: false, state: state ?? 'unknown' };
	const region = await db.selectFrom('regions').select(['id', 'slug', 'name']).where('id', '=', row.region_id).executeTakeFirstOrThrow();
	const [target, inviter, municipality, theme] = await Promise.all([
		targetUser(db, row),
		db.selectFrom('users').select('name').where('id', '=', row.invited_by).executeTakeFirst(),
		row.municipality_id ? db.selectFrom('municipalities').select('name').where('id', '=', row.municipality_id).executeTakeFirst() : undefined,
		row.theme_id ? db.selectFrom('themes').select('title').where('id', '=', row.theme_id).executeTakeFirst() : undefined
	]);
	return {
		ok: true,
		invitation: {
			id: row.id,
			email: row.email,
			role: roleOf(row),
			region,
			targetName: municipality?.name ?? theme?.title ?? null,
			invitedBy: inviter?.name ?? null,
			expiresAt: row.expires_at,
			mode: target.user?.password_hash ? 'sign_in' : 'new',
			knownName: target.user && !target.user.password_hash ? target.user.name : null
		}
	};
}

export type AcceptInput = { mode: 'new'; name: string; password: string } | { mode: 'sign_in'; password: string };

export type AcceptError = InvitationState | 'wrong_password' | 'weak_password' | 'deactivated' | 'mode_changed';

export type AcceptOutcome =
	| { ok: true; userId: string; regionSlug: string }
	| { ok: false; error: AcceptError; problem?: Exclude<PasswordProblem, null> };

/**
 * Accepts an invitation: checks it is still open, then in one transaction
 * creates or completes the account, grants the role, marks the invitation
 * used (only once, even when two requests race) and writes the audit rows.
 */
export async function acceptInvitation(db: Db, token: string, input: AcceptInput, origin: string | null = null, now = Date.now()): Promise<AcceptOutcome> {
	const row = await rowByToken(db, token);
	const state = stateOf(row, now);
	if (state || !row) return { ok: false, error: state ?? 'unknown' };
	const target = await targetUser(db, row);
	if (target.user?.deactivated_at) return { ok: false, error: 'deactivated' };
	const hasPassword = Boolean(target.user?.password_hash);
	if (hasPassword !== (input.mode === 'sign_in')) return { ok: false, error: 'mode_changed' };

	let passwordHash: string | null = null;
	if (input.mode === 'sign_in') {
		if (!(await verifyPassword(target.user!.password_hash, input.password))) return { ok: false, error: 'wrong_password' };
	} else {
		const problem = checkPasswordStrength(input.password, { email: row.email });
		if (problem) return { ok: false, error: 'weak_password', problem };
		passwordHash = await hashPassword(input.password);
	}

	return db.transaction().execute(async (trx): Promise<AcceptOutcome> => {
		// Single use: only the request that flips accepted_at goes on.
		const claimed = await trx
			.updateTable('invitations')
			.set({ accepted_at: now })
			.where('id', '=', row.id)
			.where('accepted_at', 'is', null)
			.where('withdrawn_at', 'is', null)
			.where('expires_at', '>', now)
			.where('token_hash', '=', row.token_hash)
			.executeTakeFirst();
		if (Number(claimed.numUpdatedRows) !== 1) return { ok: false, error: 'used' };

		let userId: string;
		let userName: string;
		if (input.mode === 'sign_in') {
			userId = target.user!.id;
			userName = target.user!.name;
			// The invitation linked an account-less ambassador row, but the address already has an account: move the themes over.
			if (target.linked) {
				const themes = await trx.selectFrom('theme_ambassadors').selectAll().where('user_id', '=', target.linked).execute();
				for (const t of themes) {
					await trx.insertInto('theme_ambassadors').values({ ...t, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
				}
				await trx.deleteFrom('theme_ambassadors').where('user_id', '=', target.linked).execute();
			}
		} else if (target.user) {
			userId = target.user.id;
			userName = input.name;
			const taken = await trx.selectFrom('users').select('id').where('email', '=', row.email).executeTakeFirst();
			await trx
				.updateTable('users')
				.set({ name: input.name, password_hash: passwordHash, ...(taken && taken.id !== userId ? {} : { email: row.email }) })
				.where('id', '=', userId)
				.execute();
		} else {
			userId = newId();
			userName = input.name;
			await trx
				.insertInto('users')
				.values({ id: userId, email: row.email, name: input.name, password_hash: passwordHash, color: colorFor(row.email), created_at: now })
				.execute();
		}
		await trx.updateTable('invitations').set({ accepted_by: userId }).where('id', '=', row.id).execute();
		const actor = { id: userId, name: userName };
		await recordAudit(trx, {
			action: 'invitation.accepted',
			actor,
			object: { type: 'invitation', id: row.id, label: row.email },
			regionId: row.region_id,
			origin,
			at: now,
			detail: { ...detailOf(roleOf(row)), account: input.mode === 'sign_in' ? 'existing' : target.user ? 'completed' : 'created' }
		});
		await grantRoleIn(trx, { actor, regionId: row.region_id, origin }, userId, roleOf(row));
		const region = await trx.selectFrom('regions').select('slug').where('id', '=', row.region_id).executeTakeFirstOrThrow();
		return { ok: true, userId, regionSlug: region.slug };
	});
}

// ------------------------------------------------------------- mail

/** The link in an invitation; `origin` is ORIGIN or the request's origin. */
export function invitationLink(origin: string, token: string): string {
	return `${origin.replace(/\/$/, '')}/uitnodiging/${token}`;
}

/**
 * Mails each freshly issued invitation. Never rejects: a failed mail is logged
 * by the mailer and counted in `failed`; the invitation stays valid and the
 * admin can copy or resend its link. With mail off nothing is sent.
 */
export async function mailInvitations(
	db: Db,
	mailer: Mailer,
	input: { origin: string; regionId: string; inviterName: string; issued: IssuedInvitation[] }
): Promise<{ sent: number; failed: string[] }> {
	const region = await db.selectFrom('regions').select('name').where('id', '=', input.regionId).executeTakeFirstOrThrow();
	let sent = 0;
	const failed: string[] = [];
	for (const invitation of input.issued) {
		const row = await db.selectFrom('invitations').select(['role', 'municipality_id', 'theme_id']).where('id', '=', invitation.id).executeTakeFirstOrThrow();
		const target = row.municipality_id
			? await db.selectFrom('municipalities').select('name').where('id', '=', row.municipality_id).executeTakeFirst()
			: row.theme_id
				? await db
						.selectFrom('themes')
						.innerJoin('plans', 'plans.id', 'themes.plan_id')
						.select(['themes.title as name', 'plans.levels'])
						.where('themes.id', '=', row.theme_id)
						.executeTakeFirst()
				: undefined;
		const message = invitationMail({
			to: invitation.email,
			inviterName: input.inviterName,
			regionName: region.name,
			roleLabel: invitationRoleLabel(row.role, target?.name ?? null, target && 'levels' in target ? parsePlanWords(target.levels as string).theme : undefined),
			link: invitationLink(input.origin, invitation.token),
			expiresAt: invitation.expiresAt
		});
		if (await sendQuietly(mailer, message)) sent++;
		else if (mailer.enabled) failed.push(invitation.email);
	}
	return { sent, failed };
}

import { fail, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { memberErrorResponse } from '$lib/member-messages.server';
import { parseRoleValue } from '$lib/member-roles';
import { m } from '$lib/paraglide/messages';
import { formToObject, parseInput } from '$lib/server/forms';
import {
	createInvitations,
	invitationLink,
	listPendingInvitations,
	mailInvitations,
	resendInvitation,
	splitEmails,
	withdrawInvitation,
	type IssuedInvitation
} from '$lib/server/invitation';
import {
	grantRole,
	listMembers,
	regionManagement,
	regionOptions,
	removeFromRegion,
	removeRole,
	setAccountActive,
	setRegionRole,
	type MemberError
} from '$lib/server/members';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, forbidden, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

/** The region, if the signed-in user may manage its members: 404 for strangers, 403 for other members. */
async function managedRegion(locals: App.Locals, slug: string) {
	const { user } = await currentUser(locals);
	const found = await regionManagement(getRuntime().db, user.id, slug);
	if (!found || found.level === 'none') notFound();
	if (found.level !== 'admin') forbidden();
	return { user, region: found.region, instanceAdmin: found.instanceAdmin };
}

export const load: PageServerLoad = async ({ params, locals }) => {
	const { db, mailer } = getRuntime();
	const { user, region, instanceAdmin } = await managedRegion(locals, params.slug);
	const [members, invitations, options] = await Promise.all([listMembers(db, region.id), listPendingInvitations(db, region.id), regionOptions(db, region.id)]);
	return { region, members, invitations, options, instanceAdmin, meId: user.id, mailEnabled: mailer.enabled };
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/, () => m.validation_bad_input()));
const RoleValue = v.pipe(v.string(), v.maxLength(100), v.check((s) => parseRoleValue(s) !== null, () => m.invite_error_bad_role()));

const InviteInput = v.object({
	emails: v.pipe(v.string(() => m.invite_error_no_addresses()), v.maxLength(20_000, () => m.validation_too_long())),
	role: RoleValue,
	linkUserId: v.optional(v.union([v.literal(''), Id]))
});
const InvitationInput = v.object({ invitationId: Id });
const MemberInput = v.object({ userId: Id });
const SetRoleInput = v.object({ userId: Id, role: v.union([v.literal(''), v.picklist(['admin', 'editor', 'viewer'])], () => m.invite_error_bad_role()) });
const MemberRoleInput = v.object({ userId: Id, role: RoleValue });

async function read<T extends v.GenericSchema>(request: Request, schema: T) {
	return parseInput(schema, formToObject(await request.formData()), m.validation_bad_input());
}

function refused(err: MemberError | Parameters<typeof memberErrorResponse>[0], emails?: string[]) {
	const { status, message } = memberErrorResponse(err, emails);
	getRuntime().logger.info({ event: 'member_change_refused', reason: err }, 'member change refused');
	return fail(status, { message });
}

function context(event: RequestEvent, user: { id: string; name: string }, regionId: string) {
	return { actor: { id: user.id, name: user.name }, regionId, origin: event.getClientAddress() };
}

async function nameOf(userId: string): Promise<string> {
	return (await getRuntime().db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst())?.name ?? '';
}

/** After an invitation: mail it, or hand the links to the admin to copy when mail is off. */
async function deliver(event: RequestEvent, regionId: string, inviterName: string, issued: IssuedInvitation[]) {
	const { db, mailer, publicOrigin } = getRuntime();
	const origin = publicOrigin ?? event.url.origin;
	const mailed = await mailInvitations(db, mailer, { origin, regionId, inviterName, issued });
	return {
		mailEnabled: mailer.enabled,
		mailed: mailed.sent,
		failed: mailed.failed,
		// Shown once to the admin who made them (mail off, or sending failed); never stored or logged.
		links: mailer.enabled
			? issued.filter((i) => mailed.failed.includes(i.email)).map((i) => ({ email: i.email, link: invitationLink(origin, i.token) }))
			: issued.map((i) => ({ email: i.email, link: invitationLink(origin, i.token) }))
	};
}

export const actions: Actions = {
	invite: async (event) => {
		const { user, region } = await managedRegion(event.locals, event.params.slug);
		const parsed = await read(event.request, InviteInput);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const emails = splitEmails(parsed.data.emails);
		const result = await createInvitations(getRuntime().db, context(event, user, region.id), {
			emails,
			role: parseRoleValue(parsed.data.role)!,
			linkUserId: parsed.data.linkUserId || null
		});
		if (!result.ok) return refused(result.error, result.emails);
		getRuntime().logger.info({ event: 'invitations_created', user: user.id, region: region.id, count: result.value.length }, 'invitations created');
		return { ok: true as const, invited: await deliver(event, region.id, user.name, result.value) };
	},

	resend: async (event) => {
		const { user, region } = await managedRegion(event.locals, event.params.slug);
		const parsed = await read(event.request, InvitationInput);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const result = await resendInvitation(getRuntime().db, context(event, user, region.id), parsed.data);
		if (!result.ok) return refused(result.error);
		return { ok: true as const, message: m.invite_resent({ email: result.value.email }), invited: await deliver(event, region.id, user.name, [result.value]) };
	},

	withdraw: async (event) => {
		const { user, region } = await managedRegion(event.locals, event.params.slug);
		const parsed = await read(event.request, InvitationInput);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const row = await getRuntime().db.selectFrom('invitations').select('email').where('id', '=', parsed.data.invitationId).executeTakeFirst();
		const result = await withdrawInvitation(getRuntime().db, context(event, user, region.id), parsed.data);
		if (!result.ok) return refused(result.error);
		return { ok: true as const, message: m.invite_withdrawn({ email: row?.email ?? '' }) };
	},

	setRole: async (event) => {
		const { user, region } = await managedRegion(event.locals, event.params.slug);
		const parsed = await read(event.request, SetRoleInput);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const result = await setRegionRole(getRuntime().db, context(event, user, region.id), { userId: parsed.data.userId, role: parsed.data.role || null });
		if (!result.ok) return refused(result.error);
		getRuntime().recheckUser(parsed.data.userId);
		return { ok: true as const, message: m.members_saved_role({ name: await nameOf(parsed.data.userId) }) };
	},

	addRole: async (event) => {
		const { user, region } = await managedRegion(event.locals, event.params.slug);
		const parsed = await read(event.request, MemberRoleInput);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const result = await grantRole(getRuntime().db, context(event, user, region.id), { userId: parsed.data.userId, role: parseRoleValue(parsed.data.role)! });
		if (!result.ok) return refused(result.error);
		getRuntime().recheckUser(parsed.data.userId);
		return { ok: true as const, message: m.members_added_role({ name: await nameOf(parsed.data.userId) }) };
	},

	removeRole: async (event) => {
		const { user, region } = await managedRegion(event.locals, event.params.slug);
		const parsed = await read(event.request, MemberRoleInput);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const result = await removeRole(getRuntime().db, context(event, user, region.id), { userId: parsed.data.userId, role: parseRoleValue(parsed.data.role)! });
		if (!result.ok) return refused(result.error);
		getRuntime().recheckUser(parsed.data.userId);
		return { ok: true as const, message: m.members_removed_role() };
	},

	remove: async (event) => {
		const { user, region } = await managedRegion(event.locals, event.params.slug);
		const parsed = await read(event.request, MemberInput);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const name = await nameOf(parsed.data.userId);
		const result = await removeFromRegion(getRuntime().db, context(event, user, region.id), parsed.data);
		if (!result.ok) return refused(result.error);
		getRuntime().recheckUser(parsed.data.userId);
		return { ok: true as const, message: m.members_removed({ name }) };
	},

	deactivate: async (event) => activation(event, false),
	reactivate: async (event) => activation(event, true)
};

async function activation(event: RequestEvent<{ slug: string }>, active: boolean) {
	const { user, region, instanceAdmin } = await managedRegion(event.locals, event.params.slug);
	if (!instanceAdmin) {
		getRuntime().logger.info({ event: 'member_change_refused', reason: 'instance_only' }, 'member change refused');
		return fail(403, { message: m.members_error_instance_only() });
	}
	const parsed = await read(event.request, MemberInput);
	if (!parsed.ok) return fail(400, { message: parsed.message });
	const result = await setAccountActive(getRuntime().db, context(event, user, region.id), { userId: parsed.data.userId, active });
	if (!result.ok) return refused(result.error);
	getRuntime().recheckUser(parsed.data.userId);
	const name = await nameOf(parsed.data.userId);
	return { ok: true as const, message: active ? m.members_reactivated_done({ name }) : m.members_deactivated_done({ name }) };
}

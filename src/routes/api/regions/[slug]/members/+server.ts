import { json } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { listPendingInvitations } from '$lib/server/invitation';
import { listMembers, regionManagement } from '$lib/server/members';
import { getRuntime } from '$lib/server/runtime';
import { currentUser } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/**
 * A region's members and open invitations, for its admins and the instance
 * admin only: 403 for other members of the region, 404 for everyone else.
 * Invitation tokens never leave the server (only their hash is stored).
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { user } = await currentUser(locals);
	const found = await regionManagement(db, user.id, params.slug);
	if (!found || found.level === 'none') return json({ message: 'Niet gevonden' }, { status: 404 });
	if (found.level !== 'admin') return json({ message: m.members_api_forbidden() }, { status: 403 });
	const [members, invitations] = await Promise.all([listMembers(db, found.region.id), listPendingInvitations(db, found.region.id)]);
	return json({
		region: found.region,
		members: members.map((member) => ({
			id: member.id,
			name: member.name,
			email: member.email,
			roles: member.roles,
			lastLoginAt: member.lastLoginAt,
			hasAccount: member.hasAccount,
			deactivatedAt: member.deactivatedAt
		})),
		invitations: invitations.map((i) => ({
			id: i.id,
			email: i.email,
			role: i.role,
			...(i.municipalityId ? { municipalityId: i.municipalityId } : {}),
			...(i.themeId ? { themeId: i.themeId } : {}),
			expiresAt: i.expiresAt,
			expired: i.expired
		}))
	});
};

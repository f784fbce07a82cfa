import { m } from '$lib/paraglide/messages';
import type { InvitationError } from '$lib/server/invitation';
import type { MemberError } from '$lib/server/members';

/** The HTTP status and Dutch message for a refused member or invitation change. */
export function memberErrorResponse(error: MemberError | InvitationError, emails: string[] = []): { status: number; message: string } {
	const list = emails.join(', ');
	switch (error) {
		case 'forbidden':
			return { status: 403, message: m.members_error_forbidden() };
		case 'not_found':
			return { status: 404, message: m.members_error_not_found() };
		case 'not_member':
			return { status: 400, message: m.members_error_not_member() };
		case 'last_admin':
			return { status: 400, message: m.members_error_last_admin() };
		case 'bad_municipality':
			return { status: 400, message: m.members_error_bad_municipality() };
		case 'bad_theme':
			return { status: 400, message: m.members_error_bad_theme() };
		case 'already_has_role':
			return { status: 400, message: m.members_error_already_has_role() };
		case 'self_deactivate':
			return { status: 400, message: m.members_error_self_deactivate() };
		case 'no_addresses':
			return { status: 400, message: m.invite_error_no_addresses() };
		case 'too_many':
			return { status: 400, message: m.invite_error_too_many() };
		case 'bad_email':
			return { status: 400, message: m.invite_error_bad_email({ emails: list }) };
		case 'already_member':
			return { status: 400, message: m.invite_error_already_member({ emails: list }) };
		case 'already_invited':
			return { status: 400, message: m.invite_error_already_invited({ emails: list }) };
		case 'bad_role':
			return { status: 400, message: m.invite_error_bad_role() };
		case 'email_taken':
			return { status: 400, message: m.invite_error_email_taken() };
		case 'closed':
			return { status: 400, message: m.invite_error_closed() };
	}
}

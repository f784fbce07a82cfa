import { m } from '$lib/paraglide/messages';
import { roleLabel } from '$lib/roles';

/**
 * Dutch words for the audit log (src/lib/server/audit.ts): a label per action,
 * per kind of action (the part before the dot, which the logboek filters on),
 * per object type and per result. An action another part of Kring writes
 * before it has a label here shows as its code, never as nothing.
 */

const ACTION_LABELS: Record<string, () => string> = {
	login: m.audit_action_login,
	'login.failed': m.audit_action_login_failed,
	logout: m.audit_action_logout,
	'password.changed': m.audit_action_password_changed,
	'password.reset_requested': m.audit_action_password_reset_requested,
	'password.reset': m.audit_action_password_reset,
	'mfa.enabled': m.audit_action_mfa_enabled,
	'mfa.disabled': m.audit_action_mfa_disabled,
	'mfa.reset': m.audit_action_mfa_reset,
	'mfa.recovery_code_used': m.audit_action_mfa_recovery_code_used,
	'mfa.failed': m.audit_action_mfa_failed,
	'mfa.required_changed': m.audit_action_mfa_required_changed,
	'email.change_requested': m.audit_action_email_change_requested,
	'email.changed': m.audit_action_email_changed,
	'setup.admin_created': m.audit_action_setup_admin_created,
	'region.created': m.audit_action_region_created,
	'region.renamed': m.audit_action_region_renamed,
	'municipality.added': m.audit_action_municipality_added,
	'municipality.centrum_set': m.audit_action_municipality_centrum_set,
	'invitation.created': m.audit_action_invitation_created,
	'invitation.resent': m.audit_action_invitation_resent,
	'invitation.withdrawn': m.audit_action_invitation_withdrawn,
	'invitation.accepted': m.audit_action_invitation_accepted,
	'role.granted': m.audit_action_role_granted,
	'role.changed': m.audit_action_role_changed,
	'role.removed': m.audit_action_role_removed,
	'ambassador.assigned': m.audit_action_ambassador_assigned,
	'ambassador.removed': m.audit_action_ambassador_removed,
	'account.deactivated': m.audit_action_account_deactivated,
	'account.reactivated': m.audit_action_account_reactivated,
	'session.revoked': m.audit_action_session_revoked,
	'publication.published': m.audit_action_publication_published,
	'publication.withdrawn': m.audit_action_publication_withdrawn,
	'version.adopted': m.audit_action_version_adopted,
	'export.downloaded': m.audit_action_export_downloaded,
	'archive.archived': m.audit_action_archive_archived,
	'archive.restored': m.audit_action_archive_restored,
	'evaluation.opened': m.audit_action_evaluation_opened,
	'evaluation.closed': m.audit_action_evaluation_closed,
	'client_data.warned': m.audit_action_client_data_warned
};

/** The kinds the logboek filters on, in the order the filter lists them. */
export const AUDIT_KINDS: { value: string; label: () => string }[] = [
	{ value: 'login', label: m.audit_kind_login },
	{ value: 'logout', label: m.audit_kind_logout },
	{ value: 'password', label: m.audit_kind_password },
	{ value: 'mfa', label: m.audit_kind_mfa },
	{ value: 'email', label: m.audit_kind_email },
	{ value: 'invitation', label: m.audit_kind_invitation },
	{ value: 'role', label: m.audit_kind_role },
	{ value: 'ambassador', label: m.audit_kind_ambassador },
	{ value: 'account', label: m.audit_kind_account },
	{ value: 'session', label: m.audit_kind_session },
	{ value: 'export', label: m.audit_kind_export },
	{ value: 'publication', label: m.audit_kind_publication },
	{ value: 'version', label: m.audit_kind_version },
	{ value: 'evaluation', label: m.audit_kind_evaluation },
	{ value: 'archive', label: m.audit_kind_archive },
	{ value: 'client_data', label: m.audit_kind_client_data },
	{ value: 'region', label: m.audit_kind_region },
	{ value: 'municipality', label: m.audit_kind_municipality },
	{ value: 'setup', label: m.audit_kind_setup }
];

const OBJECT_LABELS: Record<string, () => string> = {
	plan: m.audit_object_plan,
	version: m.audit_object_version,
	action: m.audit_object_action,
	theme: m.audit_object_theme,
	cycle: m.audit_object_cycle,
	user: m.audit_object_user,
	region: m.audit_object_region,
	municipality: m.audit_object_municipality,
	invitation: m.audit_object_invitation,
	audit_log: m.audit_object_audit_log
};

const REASON_LABELS: Record<string, () => string> = {
	unknown_account: m.audit_reason_unknown_account,
	wrong_password: m.audit_reason_wrong_password,
	deactivated: m.audit_reason_deactivated
};

export function auditActionLabel(action: string): string {
	return ACTION_LABELS[action]?.() ?? action;
}

export function auditObjectTypeLabel(type: string | null): string {
	return type ? (OBJECT_LABELS[type]?.() ?? type) : '';
}

export function auditResultLabel(result: string): string {
	return result === 'failure' ? m.audit_result_failure() : m.audit_result_success();
}

/** 'Plan: Uitvoeringsagenda 2024-2028' — the object's kind and its name at the time. */
export function auditObjectText(row: { objectType: string | null; objectLabel: string | null }): string {
	const type = auditObjectTypeLabel(row.objectType);
	if (!row.objectLabel) return type;
	return type ? `${type}: ${row.objectLabel}` : row.objectLabel;
}

/** Words for the values other parts of Kring write into `detail` (src/lib/server/audit.ts: structured facts only). */
const DETAIL_VALUES: Record<string, Record<string, () => string>> = {
	mfa: { totp: m.audit_detail_mfa_totp, recovery: m.audit_detail_mfa_recovery, enrolled: m.audit_detail_mfa_enrolled },
	via: { cli: m.audit_detail_via_cli, link: m.audit_detail_via_link },
	account: { existing: m.audit_detail_account_existing, created: m.audit_detail_account_created, completed: m.audit_detail_account_completed },
	recoveryCodes: { regenerated: m.audit_detail_recovery_regenerated },
	step: { enrolment: m.audit_detail_step_enrolment },
	required: { true: m.audit_detail_required_on, false: m.audit_detail_required_off }
};

/**
 * The structured facts of a row in words: a reason, a file, a role (or a
 * role's change), the known values above; ids stay out (the object column
 * names the object), anything else shows as key: value.
 */
export function auditDetailText(detail: Record<string, string | number | boolean | null> | null): string {
	if (!detail) return '';
	const role = (value: unknown) => (typeof value === 'string' && roleLabel(value)) || String(value);
	const parts: string[] = [];
	for (const [key, value] of Object.entries(detail)) {
		if (value === null || value === '' || /Id$/.test(key)) continue;
		const known = DETAIL_VALUES[key]?.[String(value)];
		if (known) parts.push(known());
		else if (key === 'reason') parts.push(REASON_LABELS[String(value)]?.() ?? String(value));
		else if (key === 'file') parts.push(m.audit_detail_file({ file: String(value) }));
		else if (key === 'rows' && typeof value === 'number') parts.push(m.audit_detail_rows({ count: value }));
		else if (key === 'left' && typeof value === 'number') parts.push(m.audit_detail_left({ count: value }));
		else if (key === 'signedOut' && typeof value === 'number') parts.push(m.audit_detail_signed_out({ count: value }));
		else if (key === 'cbsCode') parts.push(m.audit_detail_cbs({ code: String(value) }));
		else if (key === 'role') parts.push(role(value));
		else if (key === 'from' && 'to' in detail) parts.push(`${role(value)} → ${role(detail.to)}`);
		else if (key === 'to' && 'from' in detail) continue;
		else parts.push(`${key}: ${String(value)}`);
	}
	return parts.join(', ');
}

const tableTime = new Intl.DateTimeFormat('nl-NL', {
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	timeZone: 'Europe/Amsterdam'
});

/** '1 dec 2026, 21:30:05' in Dutch time, whatever the server's or browser's zone. */
export function auditTime(ms: number): string {
	return tableTime.format(new Date(ms));
}

import type { Kysely, Transaction } from 'kysely';
import type { Db } from './db.ts';
import type { AuditResult, Database } from './schema.ts';

/**
 * The audit log (BIO 8.15): actor, action, object, result, origin, time.
 *
 * Contract for callers:
 *  - write the row with the same `db`/transaction as the change it records, so a
 *    change never lands without its row (and a rolled-back change leaves none);
 *  - `detail` carries structured facts only (a role, a count, a format) — never a
 *    password, a token, an e-mail body or text a user typed;
 *  - `regionId` is the region the event belongs to; a region's logboek shows those
 *    rows plus the sign-ins of its members (see listAuditEvents).
 */
export type AuditAction =
	| 'login'
	| 'login.failed'
	| 'logout'
	| 'password.changed'
	| 'password.reset_requested'
	| 'password.reset'
	| 'mfa.enabled'
	| 'mfa.disabled'
	| 'mfa.reset'
	| 'mfa.recovery_code_used'
	| 'mfa.failed'
	| 'email.change_requested'
	| 'email.changed'
	| 'setup.admin_created'
	| 'region.created'
	| 'region.renamed'
	| 'municipality.added'
	| 'municipality.centrum_set'
	| 'invitation.created'
	| 'invitation.resent'
	| 'invitation.withdrawn'
	| 'invitation.accepted'
	| 'role.granted'
	| 'role.changed'
	| 'role.removed'
	| 'ambassador.assigned'
	| 'ambassador.removed'
	| 'account.deactivated'
	| 'account.reactivated'
	| 'session.revoked'
	| 'publication.published'
	| 'publication.withdrawn'
	| 'version.adopted'
	| 'export.downloaded'
	| 'archive.archived'
	| 'archive.restored'
	| 'evaluation.opened'
	| 'evaluation.closed'
	| 'client_data.warned';

export interface AuditEvent {
	action: AuditAction;
	actor?: { id: string; name: string } | null;
	result?: AuditResult;
	object?: { type: string; id: string | null; label?: string | null } | null;
	regionId?: string | null;
	/** the client address (event.getClientAddress()) */
	origin?: string | null;
	detail?: Record<string, string | number | boolean | null>;
	at?: number;
}

type Writer = Db | Kysely<Database> | Transaction<Database>;

export async function recordAudit(db: Writer, event: AuditEvent): Promise<void> {
	await db
		.insertInto('audit_log')
		.values({
			at: event.at ?? Date.now(),
			actor_id: event.actor?.id ?? null,
			actor_name: event.actor?.name ?? null,
			action: event.action,
			object_type: event.object?.type ?? null,
			object_id: event.object?.id ?? null,
			object_label: event.object?.label ?? null,
			region_id: event.regionId ?? null,
			result: event.result ?? 'success',
			origin: event.origin ?? null,
			detail: event.detail ? JSON.stringify(event.detail) : null
		})
		.execute();
}

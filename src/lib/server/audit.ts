import { sql, type Kysely, type Transaction } from 'kysely';
import { toCsv } from '../csv.ts';
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
	| 'mfa.required_changed'
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

export interface AuditFilters {
	/** a full action ('login.failed') or its kind, the part before the dot ('login' → login and login.failed) */
	action?: string;
	actorId?: string;
	/** inclusive, ms */
	from?: number;
	/** exclusive, ms */
	to?: number;
	result?: AuditResult;
}

export interface AuditScope {
	/** a region's id, or 'all' for the instance admin's log of the whole installation */
	regionId: string | 'all';
	filters?: AuditFilters;
}

export interface AuditRow {
	id: number;
	at: number;
	actorId: string | null;
	actorName: string | null;
	action: string;
	objectType: string | null;
	objectId: string | null;
	objectLabel: string | null;
	regionId: string | null;
	regionName: string | null;
	result: AuditResult;
	origin: string | null;
	detail: Record<string, string | number | boolean | null> | null;
}

/** Everyone with any role in the region: region role, editor of one of its gemeenten, ambassador of one of its themes. */
function regionMembers(db: Db, regionId: string) {
	return db
		.selectFrom('region_memberships')
		.select('user_id')
		.where('region_id', '=', regionId)
		.union(
			db
				.selectFrom('municipality_memberships as mm')
				.innerJoin('municipalities as mu', 'mu.id', 'mm.municipality_id')
				.select('mm.user_id')
				.where('mu.region_id', '=', regionId)
		)
		.union(
			db
				.selectFrom('theme_ambassadors as ta')
				.innerJoin('themes as t', 't.id', 'ta.theme_id')
				.innerJoin('plans as p', 'p.id', 't.plan_id')
				.select('ta.user_id')
				.where('p.region_id', '=', regionId)
		);
}

/**
 * The rows a scope may read, filtered. A region reads its own rows and the
 * sign-in kind of events (isSignInAction) whose actor — or whose object, when
 * it is an account (an MFA reset done by the instance admin) — is a member of
 * the region now. A failed sign-in for an address without an account has no
 * actor and so shows only in the instance-wide log.
 */
function scopedQuery(db: Db, scope: AuditScope) {
	let query = db.selectFrom('audit_log as l');
	const regionId = scope.regionId;
	if (regionId !== 'all') {
		query = query.where((eb) => {
			const signIn = eb.or([
				eb('l.action', 'in', ['login', 'login.failed', 'logout']),
				eb(sql<string>`substr(l.action, 1, 9)`, '=', 'password.'),
				eb(sql<string>`substr(l.action, 1, 4)`, '=', 'mfa.')
			]);
			const ofMember = eb.or([
				eb('l.actor_id', 'in', regionMembers(db, regionId)),
				eb.and([eb('l.object_type', '=', 'user'), eb('l.object_id', 'in', regionMembers(db, regionId))])
			]);
			return eb.or([eb('l.region_id', '=', regionId), eb.and([signIn, ofMember])]);
		});
	}
	const f = scope.filters ?? {};
	if (f.action) {
		const kind = f.action;
		query = query.where((eb) => eb.or([eb('l.action', '=', kind), eb(sql<string>`substr(l.action, 1, ${kind.length + 1})`, '=', `${kind}.`)]));
	}
	if (f.actorId) query = query.where('l.actor_id', '=', f.actorId);
	if (f.from !== undefined) query = query.where('l.at', '>=', f.from);
	if (f.to !== undefined) query = query.where('l.at', '<', f.to);
	if (f.result) query = query.where('l.result', '=', f.result);
	return query;
}

/** A page of a scope's log, newest first, and how many rows the filters match in all. */
export async function listAuditEvents(
	db: Db,
	options: AuditScope & { limit: number; offset: number }
): Promise<{ rows: AuditRow[]; total: number }> {
	const [rows, count] = await Promise.all([
		scopedQuery(db, options)
			.leftJoin('regions as r', 'r.id', 'l.region_id')
			.select([
				'l.id',
				'l.at',
				'l.actor_id as actorId',
				'l.actor_name as actorName',
				'l.action',
				'l.object_type as objectType',
				'l.object_id as objectId',
				'l.object_label as objectLabel',
				'l.region_id as regionId',
				'r.name as regionName',
				'l.result',
				'l.origin',
				'l.detail'
			])
			.orderBy('l.at', 'desc')
			.orderBy('l.id', 'desc')
			.limit(options.limit)
			.offset(options.offset)
			.execute(),
		scopedQuery(db, options).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	]);
	return { rows: rows.map((row) => ({ ...row, detail: parseDetail(row.detail) })), total: Number(count.n) };
}

function parseDetail(raw: string | null): AuditRow['detail'] {
	if (!raw) return null;
	try {
		const value: unknown = JSON.parse(raw);
		return value && typeof value === 'object' && !Array.isArray(value) ? (value as AuditRow['detail']) : null;
	} catch {
		return null;
	}
}

/** The people who appear as actor in a scope's log (for the "wie" filter), by their latest name. */
export async function listAuditActors(db: Db, scope: AuditScope): Promise<{ id: string; name: string }[]> {
	const rows = await scopedQuery(db, { regionId: scope.regionId })
		.select(['l.actor_id', (eb) => eb.fn.max('l.actor_name').as('name')])
		.where('l.actor_id', 'is not', null)
		.groupBy('l.actor_id')
		.execute();
	return rows
		.map((r) => ({ id: r.actor_id as string, name: r.name ?? (r.actor_id as string) }))
		.sort((a, b) => a.name.localeCompare(b.name, 'nl'));
}

const DAY_MS = 86_400_000;

/** Deletes rows older than the retention period (AUDIT_RETENTION_DAYS); returns how many. */
export async function pruneAuditLog(db: Db, retentionDays: number, now = Date.now()): Promise<number> {
	const result = await db
		.deleteFrom('audit_log')
		.where('at', '<', now - retentionDays * DAY_MS)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

export interface AuditCsvLabels {
	header: { time: string; actor: string; action: string; object: string; result: string; origin: string; region: string; detail: string };
	action(action: string): string;
	object(row: AuditRow): string;
	result(result: AuditResult): string;
	detail(row: AuditRow): string;
	unknownActor: string;
}

const csvTime = new Intl.DateTimeFormat('sv-SE', {
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	timeZone: 'Europe/Amsterdam'
});

/** '2026-12-01 21:30:05' in Dutch time: sortable in a spreadsheet, as the table shows it. */
export function auditCsvTime(ms: number): string {
	return csvTime.format(new Date(ms));
}

/** The log as a CSV file (src/lib/csv.ts: BOM, semicolons, formula cells defused), with a region column for the whole installation. */
export function auditCsv(rows: readonly AuditRow[], labels: AuditCsvLabels, options: { withRegion: boolean }): string {
	const h = labels.header;
	const header = [h.time, h.actor, h.action, h.object, h.result, h.detail, h.origin, ...(options.withRegion ? [h.region] : [])];
	return toCsv([
		header,
		...rows.map((row) => [
			auditCsvTime(row.at),
			row.actorName ?? labels.unknownActor,
			labels.action(row.action),
			labels.object(row),
			labels.result(row.result),
			labels.detail(row),
			row.origin,
			...(options.withRegion ? [row.regionName] : [])
		])
	]);
}

import type BetterSqlite3 from 'better-sqlite3';
import type { DocRef } from '../../src/lib/doc-name.ts';
import type { DocResource, UserRoles } from '../../src/lib/server/access.ts';
import type { RegionRole } from '../../src/lib/server/schema.ts';
import type { SessionPolicy } from '../../src/lib/server/session.ts';

/**
 * The socket re-check's database side, on the raw better-sqlite3 handle with
 * statements prepared once: sessions, roles and documents of a whole slice of
 * sockets, one query per table (`IN (SELECT value FROM json_each(?))`), and a
 * cheap answer to "can anything a right depends on have changed since I last
 * looked?".
 *
 * Change detection has two sources. Commits of other connections (another
 * process on the same file: a maintenance script) change `PRAGMA
 * data_version`. Writes on this very connection — the app's Kysely queries
 * share the handle, and data_version does not move for them — are caught by
 * TEMP triggers (they exist for this connection only, and fire for its
 * writes) on exactly the columns rights are read from: memberships, a
 * session's end, a user's deactivation or name, where a plan, theme or action
 * belongs and whether it is archived. They call a function of this process
 * that bumps a counter; nothing is written. Editing text, projections and
 * the collaboration store itself touch none of them.
 *
 * Time matters too: a session expires, and an open socket keeps its session
 * alive (the idle expiry moves on once half of it has passed, `last_used_at`
 * at most once a minute), exactly as `validateSessionToken` does for a page
 * request. `checkSessions` does those writes itself, synchronously, and tells
 * the caller when each session needs looking at again.
 */

/** as in src/lib/server/session.ts: `last_used_at` is kept to a minute */
const LAST_USED_PRECISION_MS = 60_000;

export interface SessionCheck {
	userId: string;
	email: string;
	name: string;
	color: string;
	/** when this session must be looked at again even if nothing changed */
	checkAt: number;
}

type Maybe<T> = T | Promise<T>;

/** The re-check's queries on either dialect: SQLite answers at once, PostgreSQL (recheck-pg.ts) with promises. */
export interface RecheckSource {
	/** null for a session that is gone, expired (deleted now) or of a deactivated account */
	checkSessions(sessionIds: string[], policy: SessionPolicy, now?: number): Maybe<Map<string, SessionCheck | null>>;
	roles(userIds: string[]): Maybe<Map<string, UserRoles>>;
	/** keyed by the document name's `kind:id`; null when it no longer exists */
	resources(refs: DocRef[]): Maybe<Map<string, DocResource | null>>;
	/** a value that changes whenever something rights depend on may have changed */
	generation(): string;
}

/** On SQLite every answer is there at once. */
export interface RecheckQueries extends RecheckSource {
	checkSessions(sessionIds: string[], policy: SessionPolicy, now?: number): Map<string, SessionCheck | null>;
	roles(userIds: string[]): Map<string, UserRoles>;
	resources(refs: DocRef[]): Map<string, DocResource | null>;
}

const cache = new WeakMap<BetterSqlite3.Database, RecheckQueries>();

/** tables and the columns of them that rights depend on; every INSERT and DELETE counts too (PostgreSQL: migration 0034) */
export const WATCHED: Array<[table: string, columns: string[]]> = [
	['region_memberships', ['user_id', 'region_id', 'role']],
	['municipality_memberships', ['user_id', 'municipality_id', 'role']],
	['theme_ambassadors', ['user_id', 'theme_id']],
	['municipalities', ['region_id']],
	['sessions', ['user_id', 'expires_at', 'absolute_expires_at']],
	['users', ['name', 'color', 'deactivated_at']],
	['plans', ['region_id', 'scope', 'municipality_id', 'archived_at']],
	['themes', ['plan_id', 'archived_at']],
	['actions', ['plan_id', 'theme_id', 'archived_at']]
];

/** one counter per handle, bumped by the TEMP triggers; shared by every server on that handle */
const bumps = new WeakMap<BetterSqlite3.Database, { n: number }>();

function installTriggers(sqlite: BetterSqlite3.Database): { n: number } {
	const existing = bumps.get(sqlite);
	if (existing) return existing;
	const counter = { n: 0 };
	sqlite.function('kring_rights_changed', { deterministic: false, varargs: false }, () => {
		counter.n++;
		return null;
	});
	for (const [table, columns] of WATCHED) {
		for (const [event, suffix] of [
			['INSERT', 'insert'],
			['DELETE', 'delete'],
			[`UPDATE OF ${columns.join(', ')}`, 'update']
		]) {
			sqlite.exec(
				`CREATE TEMP TRIGGER IF NOT EXISTS kring_rights_${table}_${suffix} AFTER ${event} ON main.${table} ` +
					'BEGIN SELECT kring_rights_changed(); END'
			);
		}
	}
	bumps.set(sqlite, counter);
	return counter;
}

export interface SessionRow {
	id: string;
	user_id: string;
	expires_at: number;
	absolute_expires_at: number;
	last_used_at: number | null;
	email: string;
	name: string;
	color: string;
	deactivated_at: number | null;
}

export interface ResourceRow {
	id: string;
	planId: string;
	regionId: string;
	planScope: 'region' | 'municipality';
	municipalityId: string | null;
	themeId: string | null;
	archivedAt: number | null;
}

/** A session write the re-check makes, as validateSessionToken would for a page request. */
export type SessionWrite = { kind: 'delete'; id: string } | { kind: 'extend'; id: string; expiresAt: number; now: number } | { kind: 'touch'; id: string; now: number };

/**
 * The rules of validateSessionToken (src/lib/server/session.ts), for a socket:
 * what `row` means at `now`, and what to write for it.
 */
export function decideSession(row: SessionRow, policy: SessionPolicy, now: number): { check: SessionCheck | null; writes: SessionWrite[] } {
	if (now >= row.expires_at || now >= row.absolute_expires_at || row.deactivated_at !== null) {
		return { check: null, writes: [{ kind: 'delete', id: row.id }] };
	}
	const writes: SessionWrite[] = [];
	let expiresAt = row.expires_at;
	let lastUsed = row.last_used_at ?? 0;
	if (expiresAt - now < policy.idleTimeoutMs / 2) {
		const next = Math.min(now + policy.idleTimeoutMs, row.absolute_expires_at);
		if (next > expiresAt) {
			writes.push({ kind: 'extend', id: row.id, expiresAt: next, now });
			expiresAt = next;
			lastUsed = now;
		}
	}
	if (lastUsed < now - LAST_USED_PRECISION_MS) {
		writes.push({ kind: 'touch', id: row.id, now });
		lastUsed = now;
	}
	const refreshAt = expiresAt - policy.idleTimeoutMs / 2;
	const checkAt = Math.min(expiresAt, row.absolute_expires_at, refreshAt > now ? refreshAt : Infinity, lastUsed + LAST_USED_PRECISION_MS + 1);
	return { check: { userId: row.user_id, email: row.email, name: row.name, color: row.color, checkAt }, writes };
}

type RoleRows = {
	regionRoles: Iterable<{ user_id: string; region_id: string; role: RegionRole }>;
	municipalEditor: Iterable<{ user_id: string; id: string; region_id: string }>;
	ambassadorOf: Iterable<{ user_id: string; id: string; region_id: string }>;
};

/** Each user's roles from the rows of the three role queries. */
export function rolesFromRows(userIds: string[], rows: RoleRows): Map<string, UserRoles> {
	const out = new Map<string, UserRoles>();
	for (const id of userIds) out.set(id, { regionRoles: new Map(), municipalEditor: new Map(), ambassadorOf: new Map() });
	for (const r of rows.regionRoles) out.get(r.user_id)?.regionRoles.set(r.region_id, r.role);
	for (const r of rows.municipalEditor) out.get(r.user_id)?.municipalEditor.set(r.id, r.region_id);
	for (const r of rows.ambassadorOf) out.get(r.user_id)?.ambassadorOf.set(r.id, r.region_id);
	return out;
}

/** The refs grouped by kind, for one query per kind. */
export function refsByKind(refs: DocRef[]): Record<DocRef['kind'], DocRef[]> {
	const byKind = { plan: [] as DocRef[], theme: [] as DocRef[], action: [] as DocRef[] };
	for (const ref of refs) byKind[ref.kind].push(ref);
	return byKind;
}

/** The resources of `refs` (null: gone) from the rows found for them. */
export function resourcesFromRows(refs: DocRef[], rows: Map<string, ResourceRow>): Map<string, DocResource | null> {
	const out = new Map<string, DocResource | null>();
	for (const ref of refs) {
		const row = rows.get(`${ref.kind}:${ref.id}`);
		out.set(
			`${ref.kind}:${ref.id}`,
			row
				? {
						ref,
						planId: row.planId,
						regionId: row.regionId,
						planScope: row.planScope,
						municipalityId: row.municipalityId,
						themeId: row.themeId,
						archived: row.archivedAt !== null
					}
				: null
		);
	}
	return out;
}

export const PLAN_COLUMNS = 'p.id AS planId, p.region_id AS regionId, p.scope AS planScope, p.municipality_id AS municipalityId';
const IDS = 'IN (SELECT value FROM json_each(?))';

/** The queries of a database handle; statements are prepared once per handle. */
export function recheckQueries(sqlite: BetterSqlite3.Database): RecheckQueries {
	const cached = cache.get(sqlite);
	if (cached) return cached;
	const counter = installTriggers(sqlite);
	const s = {
		dataVersion: sqlite.prepare('PRAGMA data_version').pluck(),
		sessions: sqlite.prepare<[string], SessionRow>(
			'SELECT s.id, s.user_id, s.expires_at, s.absolute_expires_at, s.last_used_at, u.email, u.name, u.color, u.deactivated_at ' +
				`FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id ${IDS}`
		),
		deleteSession: sqlite.prepare<[string]>('DELETE FROM sessions WHERE id = ?'),
		extendSession: sqlite.prepare<[number, number, string]>('UPDATE sessions SET expires_at = ?, last_used_at = ? WHERE id = ?'),
		touchSession: sqlite.prepare<[number, string]>('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
		regionRoles: sqlite.prepare<[string], { user_id: string; region_id: string; role: RegionRole }>(
			`SELECT user_id, region_id, role FROM region_memberships WHERE user_id ${IDS}`
		),
		municipalEditor: sqlite.prepare<[string], { user_id: string; id: string; region_id: string }>(
			'SELECT mm.user_id, mu.id, mu.region_id FROM municipality_memberships mm JOIN municipalities mu ON mu.id = mm.municipality_id ' +
				`WHERE mm.role = 'municipal_editor' AND mm.user_id ${IDS}`
		),
		ambassadorOf: sqlite.prepare<[string], { user_id: string; id: string; region_id: string }>(
			'SELECT ta.user_id, t.id, p.region_id FROM theme_ambassadors ta JOIN themes t ON t.id = ta.theme_id JOIN plans p ON p.id = t.plan_id ' +
				`WHERE ta.user_id ${IDS}`
		),
		plans: sqlite.prepare<[string], ResourceRow>(
			`SELECT p.id, ${PLAN_COLUMNS}, NULL AS themeId, p.archived_at AS archivedAt FROM plans p WHERE p.id ${IDS}`
		),
		themes: sqlite.prepare<[string], ResourceRow>(
			`SELECT t.id, ${PLAN_COLUMNS}, t.id AS themeId, t.archived_at AS archivedAt FROM themes t JOIN plans p ON p.id = t.plan_id WHERE t.id ${IDS}`
		),
		actions: sqlite.prepare<[string], ResourceRow>(
			`SELECT a.id, ${PLAN_COLUMNS}, a.theme_id AS themeId, a.archived_at AS archivedAt FROM actions a JOIN plans p ON p.id = a.plan_id WHERE a.id ${IDS}`
		)
	};

	const queries: RecheckQueries = {
		checkSessions(sessionIds, policy, now = Date.now()) {
			const out = new Map<string, SessionCheck | null>();
			for (const id of sessionIds) out.set(id, null);
			for (const row of s.sessions.all(JSON.stringify(sessionIds))) {
				const { check, writes } = decideSession(row, policy, now);
				for (const w of writes) {
					if (w.kind === 'delete') s.deleteSession.run(w.id);
					else if (w.kind === 'extend') s.extendSession.run(w.expiresAt, w.now, w.id);
					else s.touchSession.run(w.now, w.id);
				}
				out.set(row.id, check);
			}
			return out;
		},
		roles(userIds) {
			const json = JSON.stringify(userIds);
			return rolesFromRows(userIds, { regionRoles: s.regionRoles.all(json), municipalEditor: s.municipalEditor.all(json), ambassadorOf: s.ambassadorOf.all(json) });
		},
		resources(refs) {
			const rows = new Map<string, ResourceRow>();
			for (const [kind, list] of Object.entries(refsByKind(refs)) as Array<[DocRef['kind'], DocRef[]]>) {
				if (list.length === 0) continue;
				const statement = kind === 'plan' ? s.plans : kind === 'theme' ? s.themes : s.actions;
				for (const row of statement.all(JSON.stringify(list.map((r) => r.id)))) rows.set(`${kind}:${row.id}`, row);
			}
			return resourcesFromRows(refs, rows);
		},
		generation() {
			return `${s.dataVersion.get() as number}:${counter.n}`;
		}
	};
	cache.set(sqlite, queries);
	return queries;
}

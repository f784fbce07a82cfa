import pg from 'pg';
import type { Logger } from 'pino';
import type { DocRef } from '../../src/lib/doc-name.ts';
import type { RegionRole } from '../../src/lib/server/schema.ts';
import {
	decideSession,
	refsByKind,
	resourcesFromRows,
	rolesFromRows,
	type RecheckSource,
	type ResourceRow,
	type SessionCheck,
	type SessionRow
} from './recheck.ts';

/**
 * The socket re-check on PostgreSQL: the same questions as recheck.ts asks
 * SQLite, one query per table for a whole slice (`= any($1)` with an array),
 * with the same session rules (decideSession).
 *
 * Change detection: migration 0034 gives every table and column rights
 * depend on a trigger that calls `pg_notify('kring_rights', '')`. PostgreSQL
 * delivers a notification when the transaction commits, to every listening
 * connection — of this process and of every other node. `generation()` is a
 * counter of them, read by the sweep as SQLite's data_version is. While the
 * listening connection is down (PostgreSQL restarted) the generation changes
 * on every call, so every sweep checks every socket until it is back.
 */

/** the channel of migration 0034's triggers */
export const RIGHTS_CHANNEL = 'kring_rights';

const PLAN_COLUMNS = 'p.id AS "planId", p.region_id AS "regionId", p.scope AS "planScope", p.municipality_id AS "municipalityId"';
const IDS = '= any($1::text[])';

const SQL = {
	sessions:
		'SELECT s.id, s.user_id, s.expires_at, s.absolute_expires_at, s.last_used_at, u.email, u.name, u.color, u.deactivated_at ' +
		`FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id ${IDS}`,
	deleteSession: 'DELETE FROM sessions WHERE id = $1',
	extendSession: 'UPDATE sessions SET expires_at = $1, last_used_at = $2 WHERE id = $3',
	touchSession: 'UPDATE sessions SET last_used_at = $1 WHERE id = $2',
	regionRoles: `SELECT user_id, region_id, role FROM region_memberships WHERE user_id ${IDS}`,
	municipalEditor:
		'SELECT mm.user_id, mu.id, mu.region_id FROM municipality_memberships mm JOIN municipalities mu ON mu.id = mm.municipality_id ' +
		`WHERE mm.role = 'municipal_editor' AND mm.user_id ${IDS}`,
	ambassadorOf:
		'SELECT ta.user_id, t.id, p.region_id FROM theme_ambassadors ta JOIN themes t ON t.id = ta.theme_id JOIN plans p ON p.id = t.plan_id ' +
		`WHERE ta.user_id ${IDS}`,
	plan: `SELECT p.id, ${PLAN_COLUMNS}, NULL AS "themeId", p.archived_at AS "archivedAt" FROM plans p WHERE p.id ${IDS}`,
	theme: `SELECT t.id, ${PLAN_COLUMNS}, t.id AS "themeId", t.archived_at AS "archivedAt" FROM themes t JOIN plans p ON p.id = t.plan_id WHERE t.id ${IDS}`,
	action: `SELECT a.id, ${PLAN_COLUMNS}, a.theme_id AS "themeId", a.archived_at AS "archivedAt" FROM actions a JOIN plans p ON p.id = a.plan_id WHERE a.id ${IDS}`
} as const;

export interface PostgresRecheck extends RecheckSource {
	/** resolves once the listening connection is up (or failed once: the generation then changes on every call) */
	ready: Promise<void>;
	close(): Promise<void>;
}

export function postgresRecheck(pool: pg.Pool, connectionString: string, log: Logger): PostgresRecheck {
	const query = <R extends pg.QueryResultRow>(key: keyof typeof SQL, values: unknown[]) =>
		pool.query<R>({ name: `kring_recheck_${key}`, text: SQL[key], values }).then((r) => r.rows);

	let notified = 0;
	let listening = false;
	let misses = 0;
	let closed = false;
	let listener: pg.Client | null = null;
	let retry: NodeJS.Timeout | null = null;

	async function listen(): Promise<void> {
		const client = new pg.Client({ connectionString });
		listener = client;
		const lost = (err?: unknown) => {
			if (listener !== client) return;
			listener = null;
			listening = false;
			if (err) log.warn({ err: String(err) }, 'rights notifications lost; every sweep checks every socket until they are back');
			client.end().catch(() => {});
			if (!closed) retry = setTimeout(() => void listen().catch(() => {}), 1000);
		};
		client.on('error', lost);
		client.on('end', () => lost());
		client.on('notification', (message) => {
			if (message.channel === RIGHTS_CHANNEL) notified++;
		});
		try {
			await client.connect();
			await client.query(`LISTEN ${RIGHTS_CHANNEL}`);
			// whatever changed while nobody listened counts as a change
			notified++;
			listening = true;
		} catch (err) {
			lost(err);
		}
	}

	const ready = listen();

	return {
		ready,
		async checkSessions(sessionIds, policy, now = Date.now()) {
			const out = new Map<string, SessionCheck | null>();
			for (const id of sessionIds) out.set(id, null);
			for (const row of await query<SessionRow>('sessions', [sessionIds])) {
				const { check, writes } = decideSession(row, policy, now);
				for (const w of writes) {
					if (w.kind === 'delete') await query('deleteSession', [w.id]);
					else if (w.kind === 'extend') await query('extendSession', [w.expiresAt, w.now, w.id]);
					else await query('touchSession', [w.now, w.id]);
				}
				out.set(row.id, check);
			}
			return out;
		},
		async roles(userIds) {
			const [regionRoles, municipalEditor, ambassadorOf] = await Promise.all([
				query<{ user_id: string; region_id: string; role: RegionRole }>('regionRoles', [userIds]),
				query<{ user_id: string; id: string; region_id: string }>('municipalEditor', [userIds]),
				query<{ user_id: string; id: string; region_id: string }>('ambassadorOf', [userIds])
			]);
			return rolesFromRows(userIds, { regionRoles, municipalEditor, ambassadorOf });
		},
		async resources(refs) {
			const rows = new Map<string, ResourceRow>();
			const byKind = refsByKind(refs);
			await Promise.all(
				(Object.keys(byKind) as Array<DocRef['kind']>).map(async (kind) => {
					const list = byKind[kind];
					if (list.length === 0) return;
					for (const row of await query<ResourceRow>(kind, [list.map((r) => r.id)])) rows.set(`${kind}:${row.id}`, row);
				})
			);
			return resourcesFromRows(refs, rows);
		},
		generation() {
			return listening ? `n${notified}` : `down${++misses}`;
		},
		async close() {
			closed = true;
			if (retry) clearTimeout(retry);
			const client = listener;
			listener = null;
			listening = false;
			await client?.end().catch(() => {});
		}
	};
}

import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/portable.ts';

/**
 * PostgreSQL only: a notification on channel `kring_rights` whenever a row
 * that rights depend on is inserted, deleted, or has one of the watched
 * columns updated (the same tables and columns as server/collab/recheck.ts's
 * WATCHED, whose TEMP triggers do this on SQLite). PostgreSQL delivers it at
 * COMMIT to every listening connection, on every node; the socket re-check
 * (server/collab/recheck-pg.ts) counts them and checks every open socket
 * after one. Identical notifications of one transaction are delivered once.
 * On SQLite this migration does nothing: its triggers are per connection.
 * The list is a copy on purpose: a migration stays as it was written, while
 * recheck.ts's WATCHED may grow (a later migration then adds triggers).
 */
const WATCHED: Array<[table: string, columns: string[]]> = [
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

export async function up(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`create function kring_rights_notify() returns trigger language plpgsql as $$
		begin
			perform pg_notify('kring_rights', '');
			return null;
		end $$`.execute(db);
	for (const [table, columns] of WATCHED) {
		await sql
			.raw(
				`create trigger kring_rights_${table} after insert or delete or update of ${columns.join(', ')} on ${table} ` +
					'for each row execute function kring_rights_notify()'
			)
			.execute(db);
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	for (const [table] of WATCHED) await sql.raw(`drop trigger if exists kring_rights_${table} on ${table}`).execute(db);
	await sql`drop function if exists kring_rights_notify()`.execute(db);
}

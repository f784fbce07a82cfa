import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/portable.ts';

/**
 * PostgreSQL only: who has a socket on which document, per node
 * (server/collab/presence-pg.ts), so that the plan page's "nu bezig" on one
 * node shows the people whose document another node serves. A row counts
 * only while its node still owns the document (joined with pg_locks through
 * collab_nodes), so the rows of a node that died are ignored at once and
 * removed when a node of that id starts again. SQLite runs one node, which
 * knows its sockets in memory.
 */
export async function up(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`CREATE TABLE collab_presence (
		node_id text NOT NULL,
		plan_id text NOT NULL,
		document text NOT NULL,
		user_id text NOT NULL,
		name text NOT NULL,
		color text NOT NULL,
		PRIMARY KEY (node_id, plan_id, document, user_id)
	)`.execute(db);
	await sql`CREATE INDEX collab_presence_plan ON collab_presence (plan_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`DROP TABLE collab_presence`.execute(db);
}

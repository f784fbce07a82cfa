import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/portable.ts';

/**
 * PostgreSQL only: the nodes of a cluster (server/collab/cluster.ts). Each
 * node records the backend pid of the session that holds its documents'
 * ownership locks and the address other nodes forward sockets to; joined
 * with pg_locks this says who owns a document now. A row of a node that died
 * stays until a node of that id starts again (or a new session gets its
 * pid): nothing reads it, because its locks are gone. SQLite runs one node
 * and has nothing to record.
 */
export async function up(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`CREATE TABLE collab_nodes (
		node_id text PRIMARY KEY,
		url text NOT NULL,
		backend_pid integer NOT NULL,
		seen_at bigint NOT NULL
	)`.execute(db);
	await sql`CREATE INDEX collab_nodes_pid ON collab_nodes (backend_pid)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`DROP TABLE collab_nodes`.execute(db);
}

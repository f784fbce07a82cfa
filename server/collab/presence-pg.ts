import type pg from 'pg';
import type { Logger } from 'pino';
import { LOCK_SPACE } from './cluster.ts';
import type { Identity } from './connection.ts';
import { errorText } from './util.ts';

/** The people with a socket on one document (CollabServer.present). */
export interface DocumentPeople {
	name: string;
	users: Identity[];
}

/**
 * "Nu bezig" across nodes (issue 18). A socket is served by the node that
 * owns its document, so each node knows only the people on the documents it
 * owns. Each node writes those to collab_presence (migration 0036), plan by
 * plan, and only then tells every node that the plan's presence changed
 * (`announce`, relayed as the `presence:` event), so a node that reads on
 * that signal reads what was written. A row counts only while its node holds
 * the document's ownership lock: the rows of a node that died drop out at
 * once, without waiting for anyone to clean up.
 */
export interface ClusterPresence {
	/** this node's sockets on a document of `planId` changed */
	changed(planId: string): void;
	/** everyone at work on the plan's documents: this node's own sockets, and those other nodes have written */
	read(planId: string): Promise<DocumentPeople[]>;
	close(): Promise<void>;
}

export interface ClusterPresenceOptions {
	pool: pg.Pool;
	nodeId: string;
	/** this node's sockets now */
	local: (planId: string) => DocumentPeople[];
	/** tells every node (this one too) that the plan's presence changed */
	announce: (planId: string) => void;
	log: Logger;
}

export async function clusterPresence(options: ClusterPresenceOptions): Promise<ClusterPresence> {
	const { pool, nodeId, log } = options;
	// A node of this id that ran before left its rows, and so did any node whose
	// session is gone (killed, its machine lost): reads already skip those, this
	// keeps the table from holding them until a node of that id comes back.
	await pool.query(
		`DELETE FROM collab_presence p
		 WHERE p.node_id = $1
		    OR NOT EXISTS (SELECT 1 FROM collab_nodes n JOIN pg_stat_activity a ON a.pid = n.backend_pid WHERE n.node_id = p.node_id)`,
		[nodeId]
	);
	/** per plan: a write is running, and whether another is due after it */
	const writing = new Map<string, { again: boolean }>();
	let closed = false;

	async function write(planId: string): Promise<void> {
		const rows = options.local(planId).flatMap((doc) => doc.users.map((u) => [doc.name, u.id, u.name, u.color]));
		const client = await pool.connect();
		try {
			await client.query('BEGIN');
			await client.query('DELETE FROM collab_presence WHERE node_id = $1 AND plan_id = $2', [nodeId, planId]);
			if (rows.length > 0) {
				await client.query(
					`INSERT INTO collab_presence (node_id, plan_id, document, user_id, name, color)
					 SELECT $1, $2, d, u, n, c FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS t(d, u, n, c)`,
					[nodeId, planId, ...[0, 1, 2, 3].map((i) => rows.map((r) => r[i]))]
				);
			}
			await client.query('COMMIT');
			client.release();
		} catch (err) {
			await client.query('ROLLBACK').catch(() => {});
			client.release(err instanceof Error ? err : true);
			throw err;
		}
	}

	async function run(planId: string, state: { again: boolean }): Promise<void> {
		do {
			state.again = false;
			try {
				await write(planId);
			} catch (err) {
				log.warn({ err: errorText(err), plan: planId }, 'presence not written for the other nodes');
			}
		} while (state.again && !closed);
		writing.delete(planId);
		options.announce(planId);
	}

	return {
		changed(planId) {
			if (closed) return;
			const state = writing.get(planId);
			if (state) {
				state.again = true;
				return;
			}
			const fresh = { again: false };
			writing.set(planId, fresh);
			void run(planId, fresh);
		},
		async read(planId) {
			const { rows } = await pool.query<{ document: string; user_id: string; name: string; color: string }>(
				`SELECT p.document, p.user_id, p.name, p.color
				 FROM collab_presence p
				 JOIN collab_nodes n ON n.node_id = p.node_id
				 JOIN pg_locks l ON l.pid = n.backend_pid
				  AND l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
				  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
				  AND l.classid::text::bigint = $3 AND l.objid::text::bigint = (hashtext(p.document)::bigint & 4294967295)
				 WHERE p.plan_id = $1 AND p.node_id <> $2`,
				[planId, nodeId, LOCK_SPACE]
			);
			const byDoc = new Map<string, Map<string, Identity>>();
			const add = (name: string, user: Identity) => {
				let users = byDoc.get(name);
				if (!users) byDoc.set(name, (users = new Map()));
				users.set(user.id, user);
			};
			for (const doc of options.local(planId)) for (const user of doc.users) add(doc.name, user);
			for (const r of rows) add(r.document, { id: r.user_id, name: r.name, color: r.color });
			return [...byDoc].map(([name, users]) => ({ name, users: [...users.values()] }));
		},
		async close() {
			closed = true;
			await pool.query('DELETE FROM collab_presence WHERE node_id = $1', [nodeId]).catch(() => {});
		}
	};
}

import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';

/**
 * The collaboration store's SQL, once per dialect, and the two ways to run
 * the store's logic (store.ts) against it.
 *
 * The logic is written once, as generators ("programs") that yield a query
 * and get its result back (`const row = yield* q('selectDoc', name)`). On
 * SQLite `runSqlite` answers each query synchronously from a statement
 * prepared once, so a whole program — read, append, compaction — runs
 * without yielding to the event loop, exactly as before programs existed.
 * On PostgreSQL `runPostgres` awaits each query on one pooled connection,
 * inside the caller's transaction, as a named prepared statement.
 *
 * A document's updates are the key range doc << 32 … (doc + 1) << 32
 * (migration 0031); seqs start at 1.
 */

type Mode = 'get' | 'all' | 'run' | 'insert';

interface Statement {
	mode: Mode;
	/** with `?` placeholders, for SQLite */
	sqlite: string;
	/** with `$n` placeholders; the same parameters in the same order */
	pg: string;
}

const UPDATES_AFTER = 'WHERE id > (? << 32) + ? AND id < ((? + 1) << 32) ORDER BY id';
const UPDATES_AFTER_PG = 'WHERE id > ($1::bigint << 32) + $2 AND id < (($3::bigint + 1) << 32) ORDER BY id';

export const STATEMENTS = {
	selectDoc: {
		mode: 'get',
		sqlite: 'SELECT id, state, state_seq, head_state, head_seq FROM collab_documents WHERE name = ?',
		pg: 'SELECT id, state, state_seq, head_state, head_seq FROM collab_documents WHERE name = $1'
	},
	selectDocById: {
		mode: 'get',
		sqlite: 'SELECT state, state_seq, head_seq FROM collab_documents WHERE id = ?',
		pg: 'SELECT state, state_seq, head_seq FROM collab_documents WHERE id = $1'
	},
	/** [doc, seq, doc] */
	selectUpdatesAfter: {
		mode: 'all',
		sqlite: `SELECT seq, data FROM collab_updates ${UPDATES_AFTER}`,
		pg: `SELECT seq, data FROM collab_updates ${UPDATES_AFTER_PG}`
	},
	/** [doc, doc, seq] */
	selectUpdatesUpTo: {
		mode: 'all',
		sqlite: 'SELECT seq, data FROM collab_updates WHERE id > (? << 32) AND id <= (? << 32) + ? ORDER BY id',
		pg: 'SELECT seq, data FROM collab_updates WHERE id > ($1::bigint << 32) AND id <= ($2::bigint << 32) + $3 ORDER BY id'
	},
	insertDoc: {
		mode: 'insert',
		sqlite: 'INSERT INTO collab_documents (name) VALUES (?)',
		pg: 'INSERT INTO collab_documents (name) VALUES ($1) RETURNING id'
	},
	/** [doc, seq, data, at, authors] */
	insertUpdate: {
		mode: 'run',
		sqlite: 'INSERT INTO collab_updates (id, data, created_at, author_ids) VALUES ((? << 32) + ?, ?, ?, ?)',
		pg: 'INSERT INTO collab_updates (id, data, created_at, author_ids) VALUES (($1::bigint << 32) + $2, $3, $4, $5)'
	},
	/** [state, now, seq, doc] */
	setState: {
		mode: 'run',
		sqlite: 'UPDATE collab_documents SET state = ?, compacted_at = ?, state_seq = max(state_seq, ?) WHERE id = ?',
		pg: 'UPDATE collab_documents SET state = $1, compacted_at = $2, state_seq = greatest(state_seq, $3) WHERE id = $4'
	},
	/** [head, seq, doc] */
	setHead: {
		mode: 'run',
		sqlite: 'UPDATE collab_documents SET head_state = ?, head_seq = ? WHERE id = ?',
		pg: 'UPDATE collab_documents SET head_state = $1, head_seq = $2 WHERE id = $3'
	},
	/** [doc, doc, seq] */
	deleteUpdates: {
		mode: 'run',
		sqlite: 'DELETE FROM collab_updates WHERE id > (? << 32) AND id <= (? << 32) + ?',
		pg: 'DELETE FROM collab_updates WHERE id > ($1::bigint << 32) AND id <= ($2::bigint << 32) + $3'
	},
	/** [doc, user]: an author's sessions follow each other, so the latest has the highest id */
	lastSession: {
		mode: 'get',
		sqlite: 'SELECT id, ended_at, seq_to FROM collab_history WHERE doc_id = ? AND user_id IS ? ORDER BY id DESC LIMIT 1',
		pg: 'SELECT id, ended_at, seq_to FROM collab_history WHERE doc_id = $1 AND user_id IS NOT DISTINCT FROM $2::text ORDER BY id DESC LIMIT 1'
	},
	/** [doc, seq, doc] */
	updateAuthorsAfter: {
		mode: 'all',
		sqlite: `SELECT seq, created_at, author_ids FROM collab_updates ${UPDATES_AFTER}`,
		pg: `SELECT seq, created_at, author_ids FROM collab_updates ${UPDATES_AFTER_PG}`
	},
	/** [ended, seqTo, id]: a session that grows past a snapshot it had is again covered by the stored updates */
	extendSession: {
		mode: 'run',
		sqlite: 'UPDATE collab_history SET ended_at = ?, seq_to = ?, snapshot = NULL, snapshot_format = 0 WHERE id = ?',
		pg: 'UPDATE collab_history SET ended_at = $1, seq_to = $2, snapshot = NULL, snapshot_format = 0 WHERE id = $3'
	},
	/** [doc, user, started, ended, seqFrom, seqTo] */
	insertSession: {
		mode: 'insert',
		sqlite: 'INSERT INTO collab_history (doc_id, user_id, started_at, ended_at, seq_from, seq_to) VALUES (?, ?, ?, ?, ?, ?)',
		pg: 'INSERT INTO collab_history (doc_id, user_id, started_at, ended_at, seq_from, seq_to) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id'
	},
	/** [doc, fromSeq, uptoSeq] */
	sessionsToFreeze: {
		mode: 'all',
		sqlite: 'SELECT id, seq_to FROM collab_history WHERE doc_id = ? AND snapshot IS NULL AND seq_to >= ? AND seq_to <= ? ORDER BY seq_to',
		pg: 'SELECT id, seq_to FROM collab_history WHERE doc_id = $1 AND snapshot IS NULL AND seq_to >= $2 AND seq_to <= $3 ORDER BY seq_to'
	},
	/** [snapshot, format, id] */
	setSnapshot: {
		mode: 'run',
		sqlite: 'UPDATE collab_history SET snapshot = ?, snapshot_format = ? WHERE id = ?',
		pg: 'UPDATE collab_history SET snapshot = $1, snapshot_format = $2 WHERE id = $3'
	},
	/** [doc] */
	latestSessions: {
		mode: 'all',
		sqlite:
			'SELECT h.id, h.user_id, h.ended_at, h.seq_to FROM collab_history h WHERE h.doc_id = ? AND h.id = (SELECT max(id) FROM collab_history WHERE doc_id = h.doc_id AND user_id IS h.user_id)',
		pg: 'SELECT h.id, h.user_id, h.ended_at, h.seq_to FROM collab_history h WHERE h.doc_id = $1 AND h.id = (SELECT max(id) FROM collab_history WHERE doc_id = h.doc_id AND user_id IS NOT DISTINCT FROM h.user_id)'
	},
	/** [doc] */
	snapshotsOf: {
		mode: 'all',
		sqlite: 'SELECT id, ended_at FROM collab_history WHERE doc_id = ? AND snapshot IS NOT NULL ORDER BY ended_at DESC, id DESC',
		pg: 'SELECT id, ended_at FROM collab_history WHERE doc_id = $1 AND snapshot IS NOT NULL ORDER BY ended_at DESC, id DESC'
	}
} as const satisfies Record<string, Statement>;

export type QueryKey = keyof typeof STATEMENTS;

type UpdateRow = { seq: number; data: Uint8Array };
type AuthorRow = { seq: number; created_at: number | null; author_ids: string | null };

/** What each query gives back: a row or undefined (get), rows (all), nothing (run), the new row's id (insert). */
export interface QueryResults {
	selectDoc: { id: number; state: Uint8Array | null; state_seq: number; head_state: Uint8Array | null; head_seq: number } | undefined;
	selectDocById: { state: Uint8Array | null; state_seq: number; head_seq: number } | undefined;
	selectUpdatesAfter: UpdateRow[];
	selectUpdatesUpTo: UpdateRow[];
	insertDoc: number;
	insertUpdate: void;
	setState: void;
	setHead: void;
	deleteUpdates: void;
	lastSession: { id: number; ended_at: number; seq_to: number } | undefined;
	updateAuthorsAfter: AuthorRow[];
	extendSession: void;
	insertSession: number;
	sessionsToFreeze: Array<{ id: number; seq_to: number }>;
	setSnapshot: void;
	latestSessions: Array<{ id: number; user_id: string | null; ended_at: number; seq_to: number }>;
	snapshotsOf: Array<{ id: number; ended_at: number }>;
}

export type QueryParam = string | number | null | Uint8Array;

export interface Query {
	key: QueryKey;
	params: QueryParam[];
}

/** Store logic: yields queries, gets their results, returns T. */
export type Program<T> = Generator<Query, T, unknown>;

/** One query inside a program: `const row = yield* q('selectDoc', name)`. */
export function* q<K extends QueryKey>(key: K, ...params: QueryParam[]): Generator<Query, QueryResults[K], unknown> {
	return (yield { key, params }) as QueryResults[K];
}

function toBuffer(data: Uint8Array): Buffer {
	return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function bind(params: QueryParam[]): unknown[] {
	return params.map((p) => (p instanceof Uint8Array ? toBuffer(p) : p));
}

/** Runs programs on a SQLite handle, synchronously; statements are prepared once per handle. */
export function sqliteRunner(sqlite: BetterSqlite3.Database): <T>(program: Program<T>) => T {
	const prepared = new Map<QueryKey, BetterSqlite3.Statement>();
	for (const [key, statement] of Object.entries(STATEMENTS)) prepared.set(key as QueryKey, sqlite.prepare(statement.sqlite));
	const exec = ({ key, params }: Query): unknown => {
		const statement = prepared.get(key)!;
		const args = bind(params);
		switch (STATEMENTS[key].mode) {
			case 'get':
				return statement.get(...args);
			case 'all':
				return statement.all(...args);
			case 'insert':
				return Number(statement.run(...args).lastInsertRowid);
			default:
				statement.run(...args);
				return undefined;
		}
	};
	return <T>(program: Program<T>): T => {
		let step = program.next();
		while (!step.done) step = program.next(exec(step.value));
		return step.value;
	};
}

/** Runs a program on one PostgreSQL connection (inside the caller's transaction), a query at a time. */
export async function runPostgres<T>(client: pg.ClientBase, program: Program<T>): Promise<T> {
	let step = program.next();
	while (!step.done) {
		const { key, params } = step.value;
		const statement = STATEMENTS[key];
		// named: PostgreSQL parses and plans it once per connection
		const result = await client.query({ name: `kring_collab_${key}`, text: statement.pg, values: bind(params) });
		let value: unknown;
		if (statement.mode === 'get') value = result.rows[0];
		else if (statement.mode === 'all') value = result.rows;
		else if (statement.mode === 'insert') value = Number(result.rows[0].id);
		step = program.next(value);
	}
	return step.value;
}

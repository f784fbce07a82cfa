/**
 * Counts the commits a better-sqlite3 connection makes, for "commits per edit":
 * the same counter in every benchmarked server that writes SQLite (Kring's
 * database, the one-row store, Hocuspocus's extension-sqlite), attached to the
 * connection object before the server uses it. A commit is
 *  - an outermost `db.transaction(fn)()` that returned (it commits once);
 *  - a writing statement run outside a transaction that changed rows
 *    (autocommit; a writing statement read with `all`/`get`, i.e. RETURNING,
 *    counts whenever it runs outside a transaction);
 *  - a statement or `exec` that ends an open transaction (COMMIT via SQL).
 * Reads, BEGIN, and writes that changed nothing are not counted. The server
 * process reports the count over IPC (`{ cmd: 'stats' }`, common.ts).
 */
import type Database from 'better-sqlite3';

export interface CommitCounter {
	readonly commits: number;
}

export function countCommits(db: Database.Database): CommitCounter {
	const counter = { commits: 0 };
	const prepare = db.prepare.bind(db);
	const transaction = db.transaction.bind(db);
	const exec = db.exec.bind(db);
	(db as { prepare: unknown }).prepare = (source: string) => {
		const stmt = prepare(source);
		// (BEGIN and COMMIT count as read-only statements in SQLite: `run` is wrapped for all)
		const run = stmt.run.bind(stmt);
		(stmt as { run: unknown }).run = (...params: unknown[]) => {
			const before = db.inTransaction;
			const result = run(...(params as []));
			if ((before && !db.inTransaction) || (!before && !db.inTransaction && result.changes > 0)) counter.commits++;
			return result;
		};
		if (stmt.readonly) return stmt;
		for (const read of ['all', 'get'] as const) {
			const f = (stmt[read] as (...a: unknown[]) => unknown).bind(stmt);
			(stmt as unknown as Record<string, unknown>)[read] = (...params: unknown[]) => {
				const result = f(...params);
				if (!db.inTransaction) counter.commits++; // autocommit write or the end of a transaction
				return result;
			};
		}
		return stmt;
	};
	(db as { transaction: unknown }).transaction = (fn: (...a: unknown[]) => unknown) => {
		const tx = transaction(fn);
		const counted = (t: (...a: unknown[]) => unknown) => (...args: unknown[]) => {
			const outer = !db.inTransaction;
			const result = t(...args);
			if (outer) counter.commits++;
			return result;
		};
		return Object.assign(counted(tx), {
			deferred: counted(tx.deferred),
			immediate: counted(tx.immediate),
			exclusive: counted(tx.exclusive),
			default: counted(tx.default)
		});
	};
	(db as { exec: unknown }).exec = (source: string) => {
		const before = db.inTransaction;
		exec(source);
		if (before && !db.inTransaction) counter.commits++;
		return db;
	};
	return counter;
}

import type { Logger } from 'pino';
import { accessToResource } from '../../src/lib/server/access.ts';
import type { SessionPolicy } from '../../src/lib/server/session.ts';
import type { CloseEventName } from './close-codes.ts';
import type { Conn } from './connection.ts';
import type { RecheckSource, SessionCheck } from './recheck.ts';
import type { DocResource, UserRoles } from '../../src/lib/server/access.ts';
import { errorText } from './util.ts';

/**
 * Revocation: re-validates open sockets — session still valid, same user,
 * document still there, right unchanged — and closes those that fail
 * (Unauthorized, NotFound, Forbidden, RightsChanged).
 *
 * Without blocking the event loop: sockets are checked in slices of
 * `SLICE` (one query per table for the whole slice, statements prepared
 * once, no awaits in between, well under a millisecond per slice), one slice
 * per event-loop turn (setImmediate), so edits and handshakes go on between
 * slices. Every `intervalMs` the sweep asks whether anything rights depend on
 * changed (recheck.ts: PRAGMA data_version for other connections, TEMP
 * triggers for this one); if so, every socket is checked, otherwise only
 * those whose session is due (expiry, or keeping it alive while the socket
 * is open). `recheckUser` checks one user's sockets at once, whatever the
 * sweep does. A change of rights therefore closes a socket within one
 * interval plus the few milliseconds a full sweep takes, as before.
 */

/** sockets per slice: 100 sockets of 100 different users on 100 documents took 0.9–1.5 ms here, so half that */
export const SLICE = 50;

export interface SweepOptions {
	/** the database side: recheck.ts (SQLite, synchronous) or recheck-pg.ts (PostgreSQL) */
	queries: RecheckSource;
	/** someone else's transaction is open on the connection (SQLite): wait */
	busy(): boolean;
	sessionPolicy: SessionPolicy;
	intervalMs: number;
	log: Logger;
	/** every open connection */
	connections(): Iterable<Conn>;
	/** one user's open connections */
	connectionsOf(userId: string): Iterable<Conn> | undefined;
	closeConn(conn: Conn, name: CloseEventName): void;
	/** observes each slice's duration in seconds (benchmarks, metrics) */
	observeSlice?(seconds: number, sockets: number): void;
}

export interface Sweeper {
	recheckUser(userId: string): void;
	stop(): void;
}

export function createSweeper(options: SweepOptions): Sweeper {
	const { queries, log } = options;
	let stopped = false;
	let sweeping = false;
	let lastGeneration: string | null = null;

	/** Re-checks these connections: at once on SQLite (no awaits), a promise on PostgreSQL. */
	function checkSlice(conns: Conn[]): void | Promise<void> {
		const start = performance.now();
		const open = conns.filter((c) => !c.closed);
		if (open.length === 0) return;
		const now = Date.now();
		const sessions = queries.checkSessions([...new Set(open.map((c) => c.sessionId))], options.sessionPolicy, now);
		const finish = () => options.observeSlice?.((performance.now() - start) / 1000, open.length);
		if (sessions instanceof Promise) {
			return sessions.then(async (checked) => {
				const valid = applySessions(open, checked);
				if (valid.length > 0) {
					const [roles, found] = await Promise.all([queries.roles(usersOf(valid)), queries.resources(refsOf(valid))]);
					applyRights(valid, roles, found);
				}
				finish();
			});
		}
		const valid = applySessions(open, sessions);
		if (valid.length > 0) applyRights(valid, queries.roles(usersOf(valid)) as Map<string, UserRoles>, queries.resources(refsOf(valid)) as Map<string, DocResource | null>);
		finish();
	}

	const usersOf = (conns: Conn[]) => [...new Set(conns.map((c) => c.identity.id))];
	const refsOf = (conns: Conn[]) => [...new Set(conns.map((c) => c.doc))].map((d) => d.resource.ref);

	/** Closes the connections whose session is gone; gives back the others. */
	function applySessions(open: Conn[], sessions: Map<string, SessionCheck | null>): Conn[] {
		const valid: Conn[] = [];
		for (const conn of open) {
			if (conn.closed) continue;
			const session = sessions.get(conn.sessionId);
			if (!session || session.userId !== conn.identity.id) {
				options.closeConn(conn, 'Unauthorized');
				continue;
			}
			if (session.name !== conn.identity.name || session.color !== conn.identity.color) {
				conn.identity = { id: session.userId, name: session.name, color: session.color };
			}
			conn.checkAt = session.checkAt;
			valid.push(conn);
		}
		return valid;
	}

	/** Closes the connections whose document is gone or whose right changed. */
	function applyRights(valid: Conn[], roles: Map<string, UserRoles>, found: Map<string, DocResource | null>): void {
		const docs = new Set(valid.map((c) => c.doc));
		for (const doc of docs) {
			const resource = found.get(`${doc.resource.ref.kind}:${doc.resource.ref.id}`);
			if (resource) doc.resource = resource;
		}
		for (const conn of valid) {
			if (conn.closed) continue;
			const ref = conn.doc.resource.ref;
			const resource = found.get(`${ref.kind}:${ref.id}`);
			if (!resource) {
				options.closeConn(conn, 'NotFound');
				continue;
			}
			const access = accessToResource(roles.get(conn.identity.id)!, resource);
			if (access === 'none') options.closeConn(conn, 'Forbidden');
			else if ((access === 'write') !== conn.write) options.closeConn(conn, 'RightsChanged');
		}
	}

	/** Checks `conns` a slice per turn; `done` when all are checked. */
	function run(conns: Conn[], done?: () => void): void {
		let i = 0;
		const next = (): void => {
			if (stopped) return done?.();
			// A transaction of the app open across awaits: its uncommitted rows are
			// not the truth yet, and a session write now would nest in it.
			if (options.busy()) {
				setTimeout(next, 1);
				return;
			}
			const failed = (err: unknown) => log.error({ err: errorText(err) }, 'collab recheck failed');
			let slice: void | Promise<void> = undefined;
			try {
				slice = checkSlice(conns.slice(i, i + SLICE));
			} catch (err) {
				failed(err);
			}
			i += SLICE;
			const after = () => (i < conns.length ? setImmediate(next) : done?.());
			if (slice instanceof Promise) slice.catch(failed).finally(after);
			else after();
		};
		next();
	}

	function sweep(): void {
		if (sweeping || stopped) return;
		let generation: string;
		try {
			generation = queries.generation();
		} catch (err) {
			log.error({ err: errorText(err) }, 'collab sweep failed');
			return;
		}
		const full = generation !== lastGeneration;
		const now = Date.now();
		const due: Conn[] = [];
		for (const conn of options.connections()) if (full || conn.checkAt <= now) due.push(conn);
		lastGeneration = generation;
		if (due.length === 0) return;
		sweeping = true;
		run(due, () => {
			sweeping = false;
		});
	}

	const timer = setInterval(sweep, options.intervalMs);
	timer.unref();

	return {
		recheckUser(userId) {
			const mine = options.connectionsOf(userId);
			if (!mine || stopped) return;
			const conns = [...mine];
			if (conns.length > 0) run(conns);
		},
		stop() {
			stopped = true;
			clearInterval(timer);
		}
	};
}

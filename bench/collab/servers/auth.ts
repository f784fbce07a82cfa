/**
 * The authentication hook the peers get, so connect and cold-load times
 * compare like with like: the same shape of work as Kring's upgrade check
 * (server/collab/authorize.ts with prepared statements) — the session token is
 * hashed with SHA-256, the session row (joined with its user) is selected,
 * then the document's row (its region) and the user's membership in that
 * region, each with a statement prepared once, on a SQLite file of its own
 * (WAL). An unknown token, document or membership refuses the connection.
 *
 * `openAuthStore(dir, docs)` creates the file on the first start in a data
 * directory (USERS users, one session each, every one an editor of the
 * region of DOC_COUNT documents) and reopens it on restarts; `tokens` are the
 * sessions' tokens, handed to the load generator in the ready message.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BENCH_ORIGIN, DOC_COUNT, USERS, docName } from './common.ts';

export interface AuthStore {
	tokens: string[];
	/** true when the token's session is valid and its user may edit the document */
	check(token: string | null | undefined, documentName: string): boolean;
	/** Origin (when sent) must be the app's, as Kring requires */
	originOk(origin: string | undefined): boolean;
	db: Database.Database;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export function openAuthStore(dir: string): AuthStore {
	const file = join(dir, 'auth.sqlite');
	const fresh = !existsSync(file);
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	if (fresh) {
		db.exec(`CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL);
			CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), token TEXT NOT NULL, expires_at INTEGER NOT NULL);
			CREATE TABLE documents (name TEXT PRIMARY KEY, region_id TEXT NOT NULL);
			CREATE TABLE memberships (user_id TEXT NOT NULL, region_id TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (user_id, region_id));`);
		const expires = Date.now() + 7 * 24 * 3_600_000;
		db.transaction(() => {
			const user = db.prepare('INSERT INTO users (id, name) VALUES (?, ?)');
			const session = db.prepare('INSERT INTO sessions (id, user_id, token, expires_at) VALUES (?, ?, ?, ?)');
			const member = db.prepare(`INSERT INTO memberships (user_id, region_id, role) VALUES (?, 'benchregion', 'editor')`);
			for (let i = 0; i < USERS; i++) {
				const id = `user${i}`;
				// the bench keeps the token to hand it to the load generator; the check uses only the hash
				const token = randomBytes(20).toString('hex');
				user.run(id, `Bench ${i}`);
				session.run(sha256(token), id, token, expires);
				member.run(id);
			}
			const doc = db.prepare(`INSERT INTO documents (name, region_id) VALUES (?, 'benchregion')`);
			for (let i = 0; i < DOC_COUNT; i++) doc.run(docName(i));
		})();
	}
	const tokens = (db.prepare('SELECT token FROM sessions ORDER BY rowid').pluck().all() as string[]);
	const selectSession = db.prepare<[string], { user_id: string; expires_at: number; name: string }>(
		'SELECT s.user_id, s.expires_at, u.name FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?'
	);
	const selectDoc = db.prepare<[string], { region_id: string }>('SELECT region_id FROM documents WHERE name = ?');
	const selectRole = db.prepare<[string, string], { role: string }>('SELECT role FROM memberships WHERE user_id = ? AND region_id = ?');
	return {
		tokens,
		db,
		check(token, documentName) {
			if (!token || !/^[0-9a-f]{40}$/.test(token)) return false;
			const session = selectSession.get(sha256(token));
			if (!session || session.expires_at <= Date.now()) return false;
			const doc = selectDoc.get(documentName);
			if (!doc) return false;
			const role = selectRole.get(session.user_id, doc.region_id);
			return role !== undefined && (role.role === 'editor' || role.role === 'admin');
		},
		originOk(origin) {
			return origin === undefined || origin === BENCH_ORIGIN;
		}
	};
}

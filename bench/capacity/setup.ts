/**
 * The national peak as rows and sockets (issue 17): REGIONS regions with one
 * plan each, DOCS actions spread evenly over the plans, USERS people with a
 * session each and memberships in two regions (one in three an editor at
 * home, the others read only; the second region read only), and the plan of
 * SOCKETS sockets:
 *
 *  - two evaluation sessions of SESSION_SIZE people: each has one socket on
 *    the action being discussed (the first action of plan 0 and of plan 1)
 *    and holds the plan's event stream; two of them type (minutes, notes);
 *  - the other typists (TYPISTS in all) each type in an action of their own;
 *  - every other socket is an idle editor window, socket j on action j mod
 *    DOCS, held by a person who may read that action's plan.
 *
 * Typists are editors where they type; session people may read the session's
 * plan. Everything is a real row, so Kring's upgrade checks, its socket
 * re-check and its projection run as in production.
 */
import { openDatabase } from '../../src/lib/server/db.ts';
import { newId } from '../../src/lib/server/id.ts';
import { migrateToLatest } from '../../src/lib/server/migrate.ts';
import { createSession, generateSessionToken, type SessionPolicy } from '../../src/lib/server/session.ts';
import { MIGRATIONS_DIR } from '../../server/app.ts';

export const REGIONS = 6;
export const SESSION_SIZE = 40;
export const SESSION_TYPISTS = 2;

export interface CapacityShape {
	users: number;
	docs: number;
	sockets: number;
	typists: number;
}

export type SocketRole = 'session' | 'typist' | 'idle';

export interface PlannedSocket {
	user: number;
	doc: number;
	role: SocketRole;
	/** the session it belongs to (0 or 1), for session sockets */
	session?: number;
	/** this socket types */
	types: boolean;
}

export interface CapacityPlan {
	sockets: PlannedSocket[];
	/** region index → user index → role */
	roles: Map<string, 'editor' | 'viewer'>[];
	/** the action discussed in each session */
	sessionDocs: number[];
}

const regionOf = (doc: number, docs: number) => Math.floor((doc * REGIONS) / docs);

/** Who holds which socket; pure, so it is the same for every server. */
export function planSockets(shape: CapacityShape): CapacityPlan {
	const { users, docs, sockets: total, typists } = shape;
	const roles = Array.from({ length: REGIONS }, () => new Map<string, 'editor' | 'viewer'>());
	const grant = (user: number, region: number, role: 'editor' | 'viewer') => {
		if (roles[region].get(String(user)) !== 'editor') roles[region].set(String(user), role);
	};
	for (let u = 0; u < users; u++) {
		grant(u, u % REGIONS, u % 3 === 0 ? 'editor' : 'viewer');
		grant(u, (u + 1) % REGIONS, 'viewer');
	}
	const sockets: PlannedSocket[] = [];
	const sessionDocs = [0, Math.round(docs / REGIONS)];
	for (let s = 0; s < 2; s++) {
		for (let k = 0; k < SESSION_SIZE; k++) {
			const user = s * SESSION_SIZE + k;
			const types = k < SESSION_TYPISTS;
			grant(user, regionOf(sessionDocs[s], docs), types ? 'editor' : 'viewer');
			sockets.push({ user, doc: sessionDocs[s], role: 'session', session: s, types });
		}
	}
	const own = typists - 2 * SESSION_TYPISTS;
	const firstTypist = 2 * SESSION_SIZE;
	if (firstTypist + own > users) throw new Error('too few users for the sessions and typists');
	const step = Math.floor(docs / own);
	for (let k = 0; k < own; k++) {
		let doc = k * step + 3;
		while (sessionDocs.includes(doc)) doc++;
		const user = firstTypist + k;
		grant(user, regionOf(doc, docs), 'editor');
		sockets.push({ user, doc, role: 'typist', types: true });
	}
	// readers of each region, in a fixed order
	const readers = roles.map((r) => [...r.keys()].map(Number).sort((a, b) => a - b));
	const next = new Array<number>(REGIONS).fill(0);
	for (let j = 0; sockets.length < total; j++) {
		const doc = j % docs;
		const region = regionOf(doc, docs);
		const user = readers[region][next[region]++ % readers[region].length];
		sockets.push({ user, doc, role: 'idle', types: false });
	}
	return { sockets, roles, sessionDocs };
}

export interface CapacityDatabase {
	path: string;
	tokens: string[];
	/** action ids by document index */
	actionIds: string[];
	/** plan ids by region */
	planIds: string[];
	planOfDoc: (doc: number) => string;
}

/** A migrated database at `path` with the plan's people, sessions, memberships, plans and actions. */
export async function createCapacityDatabase(path: string, shape: CapacityShape, plan: CapacityPlan, policy: SessionPolicy): Promise<CapacityDatabase> {
	const { db, sqlite } = openDatabase(path);
	await migrateToLatest(db, MIGRATIONS_DIR);
	const now = Date.now();
	const userIds = Array.from({ length: shape.users }, () => newId());
	const planIds = Array.from({ length: REGIONS }, () => newId());
	const actionIds = Array.from({ length: shape.docs }, () => newId());
	sqlite.transaction(() => {
		const user = sqlite.prepare(`INSERT INTO users (id, email, name, password_hash, color, created_at) VALUES (?, ?, ?, NULL, '#1f5fa8', ?)`);
		userIds.forEach((id, i) => user.run(id, `persoon${i}@capaciteit.example`, `Persoon ${i}`, now));
		const region = sqlite.prepare(`INSERT INTO regions (id, slug, name) VALUES (?, ?, ?)`);
		const member = sqlite.prepare(`INSERT INTO region_memberships (user_id, region_id, role) VALUES (?, ?, ?)`);
		const planRow = sqlite.prepare(
			`INSERT INTO plans (id, slug, region_id, scope, kind, title, period_start, period_end, levels, theme_sections, card_template, created_at, updated_at)
			 VALUES (?, ?, ?, 'region', 'regional', ?, 2025, 2028, '[]', '[]', '[]', ?, ?)`
		);
		const theme = sqlite.prepare(`INSERT INTO themes (id, plan_id, position, title, updated_at) VALUES (?, ?, 1, ?, ?)`);
		const action = sqlite.prepare(
			`INSERT INTO actions (id, plan_id, theme_id, position, level, title, status, created_at, updated_at)
			 VALUES (?, ?, ?, ?, 'regional', ?, 'not_started', ?, ?)`
		);
		const themeIds: string[] = [];
		for (let r = 0; r < REGIONS; r++) {
			const regionId = newId();
			region.run(regionId, `regio-${r}`, `Regio ${r}`);
			for (const [u, role] of plan.roles[r]) member.run(userIds[Number(u)], regionId, role);
			planRow.run(planIds[r], `plan-${r}`, regionId, `Uitvoeringsagenda regio ${r}`, now, now);
			themeIds.push(newId());
			theme.run(themeIds[r], planIds[r], `Thema ${r}`, now);
		}
		actionIds.forEach((id, d) => {
			const r = regionOf(d, shape.docs);
			action.run(id, planIds[r], themeIds[r], d, `Actie ${d}`, now, now);
		});
	})();
	const tokens: string[] = [];
	for (const id of userIds) {
		const token = generateSessionToken();
		await createSession(db, token, id, policy);
		tokens.push(token);
	}
	await db.destroy();
	return { path, tokens, actionIds, planIds, planOfDoc: (doc) => planIds[regionOf(doc, shape.docs)] };
}

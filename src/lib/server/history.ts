import { diffWordsWithSpace } from 'diff';
import { sql, type ExpressionBuilder } from 'kysely';
import * as Y from 'yjs';
import { META } from '../action-doc.ts';
import { parseDocName } from '../doc-name.ts';
import { accessToResource, resolveDocument, type Access, type DocResource, type UserRoles } from './access.ts';
import type { Db } from './db.ts';
import type { Database } from './schema.ts';
import { fragmentToJson, richPlainText } from './rich-doc.ts';
import { unpackSnapshot } from './history-snapshot.ts';
import { sessionTails, type SessionTail } from './history-tail.ts';

/**
 * The history of a collaborative document (a card, a theme, a plan's
 * introduction), read from what the collaboration server records
 * (server/collab/store.ts, migration 0022): one entry per editing session —
 * one author, edits with gaps shorter than HISTORY_SESSION_GAP_MS — newest
 * first; a session still going on is listed as soon as its first edit is
 * committed.
 *
 * A version is the whole document as it stood at the end of a session: its
 * own snapshot (kept when compaction folded the updates it needs) or the
 * document's snapshot plus the stored updates up to the session's last one.
 *
 * Restoring puts a version's text (every field, or one) back as a NEW change
 * through the live server path (`changeDocument`), so everyone with the
 * document open sees it at once and the state before the restore stays in
 * the history as a version of its own: nothing is ever lost by restoring.
 */

export interface HistoryEntry {
	versionId: string;
	/** id null: a change of Kring itself (e.g. a board move); name null: the account no longer exists */
	author: { id: string | null; name: string | null };
	/** ISO times of the session's first and last edit */
	from: string;
	to: string;
	/** false when the snapshot was thinned away (older history is kept about once a week) */
	restorable: boolean;
}

/** Newest first. Empty for a document that was never edited since history was recorded. */
export async function listHistory(db: Db, name: string, limit = 500): Promise<HistoryEntry[]> {
	const rows = await db
		.selectFrom('collab_history')
		.innerJoin('collab_documents', 'collab_documents.id', 'collab_history.doc_id')
		.leftJoin('users', 'users.id', 'collab_history.user_id')
		.select([
			'collab_history.id',
			'collab_history.doc_id',
			'collab_history.user_id',
			'users.name',
			'collab_history.started_at',
			'collab_history.ended_at',
			'collab_history.seq_to',
			'collab_documents.state_seq',
			(eb) => eb('collab_history.snapshot', 'is not', null).as('has_snapshot')
		])
		.where('collab_documents.name', '=', name)
		.orderBy('collab_history.ended_at', 'desc')
		.orderBy('collab_history.id', 'desc')
		.limit(limit)
		.execute();
	if (rows.length === 0) return [];
	// each author's latest session (the highest id) may reach beyond its row
	const latest = new Map<string | null, (typeof rows)[number]>();
	for (const r of rows) if ((latest.get(r.user_id)?.id ?? 0) < r.id) latest.set(r.user_id, r);
	const tails = await sessionEnds(db, rows[0].doc_id, new Map([...latest].map(([user, r]) => [user, r.seq_to])));
	for (const [user, tail] of tails) {
		const r = latest.get(user)!;
		Object.assign(r, { ended_at: tail.at, seq_to: tail.seq, has_snapshot: 0 });
	}
	if (tails.size > 0) rows.sort((a, b) => b.ended_at - a.ended_at || b.id - a.id);
	return rows.map((r) => ({
		versionId: String(r.id),
		author: { id: r.user_id, name: r.user_id === null ? null : (r.name ?? null) },
		from: new Date(r.started_at).toISOString(),
		to: new Date(r.ended_at).toISOString(),
		restorable: Boolean(r.has_snapshot) || r.seq_to >= r.state_seq
	}));
}

/**
 * How far the given authors' latest sessions really reach: the collaboration
 * server writes a running session's end lazily (server/collab/store.ts), and
 * the update rows record who sent them and when. `after`: author → the seq
 * their session's row ends at.
 */
async function sessionEnds(db: Db, docId: number, after: Map<string | null, number>): Promise<Map<string | null, SessionTail>> {
	if (after.size === 0) return new Map();
	const updates = await db
		.selectFrom('collab_updates')
		.select(['seq', 'created_at', 'author_ids'])
		.where(updateKeys(docId, Math.min(...after.values())))
		.orderBy('id')
		.execute();
	return sessionTails(updates, after);
}

/** A document's updates with `after` < seq ≤ `upto`, as a range of the integer key (migration 0031). */
function updateKeys(docId: number, after: number, upto?: number) {
	// bigint first: PostgreSQL would shift a 32-bit integer modulo 32
	const base = sql<number>`(CAST(${docId} AS bigint) << 32)`;
	return (eb: ExpressionBuilder<Database, 'collab_updates'>) =>
		eb.and([
			eb('id', '>', sql<number>`${base} + ${after}`),
			upto === undefined ? eb('id', '<', sql<number>`((CAST(${docId} AS bigint) + 1) << 32)`) : eb('id', '<=', sql<number>`${base} + ${upto}`)
		]);
}

export function parseVersionId(raw: unknown): number | null {
	return typeof raw === 'string' && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : null;
}

/**
 * The whole document at the end of a session, as a Yjs update; null when the
 * version does not exist (for this document) or was thinned away. Read in one
 * transaction, so a compaction cannot fold updates between the reads.
 */
export async function readVersion(db: Db, name: string, versionId: number): Promise<Uint8Array | null> {
	return db.transaction().execute(async (trx) => {
		const row = await trx
			.selectFrom('collab_history')
			.innerJoin('collab_documents', 'collab_documents.id', 'collab_history.doc_id')
			.select([
				'collab_history.doc_id',
				'collab_history.user_id',
				'collab_history.seq_to',
				'collab_history.snapshot',
				'collab_history.snapshot_format',
				'collab_documents.state',
				'collab_documents.state_seq'
			])
			.where('collab_history.id', '=', versionId)
			.where('collab_documents.name', '=', name)
			.executeTakeFirst();
		if (!row) return null;
		const newest = await trx
			.selectFrom('collab_history')
			.select((eb) => eb.fn.max('id').as('id'))
			.where('doc_id', '=', row.doc_id)
			// `is $1` is SQLite's null-safe equality; PostgreSQL takes `is` only before null
			.where('user_id', row.user_id === null ? 'is' : '=', row.user_id)
			.executeTakeFirst();
		if (newest?.id === versionId) {
			const tail = (await sessionEnds(trx, row.doc_id, new Map([[row.user_id, row.seq_to]]))).get(row.user_id);
			if (tail) Object.assign(row, { seq_to: tail.seq, snapshot: null });
		}
		if (row.snapshot) return unpackSnapshot(row.snapshot, row.snapshot_format);
		if (row.seq_to < row.state_seq) return null;
		const updates = await trx
			.selectFrom('collab_updates')
			.select('data')
			.where(updateKeys(row.doc_id, 0, row.seq_to))
			.orderBy('id')
			.execute();
		const doc = new Y.Doc();
		try {
			doc.transact(() => {
				if (row.state) Y.applyUpdate(doc, row.state);
				for (const u of updates) Y.applyUpdate(doc, u.data);
			});
			return Y.encodeStateAsUpdate(doc);
		} finally {
			doc.destroy();
		}
	});
}

export function docFromUpdate(update: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, update);
	return doc;
}

export interface FieldDef {
	key: string;
	label: string;
}

export interface DiffPart {
	text: string;
	kind: 'same' | 'added' | 'removed';
}

export interface FieldDiff {
	key: string;
	label: string;
	/** the field's text in the version */
	then: string;
	/** from the version to now: `removed` was there then and is gone, `added` came since */
	parts: DiffPart[];
	changed: boolean;
}

function fieldText(doc: Y.Doc, key: string): string {
	return richPlainText(fragmentToJson(doc.getXmlFragment(key)));
}

function diffParts(then: string, now: string): DiffPart[] {
	if (then === now) return then ? [{ text: then, kind: 'same' }] : [];
	return diffWordsWithSpace(then, now).map((c) => ({ text: c.value, kind: c.added ? 'added' : c.removed ? 'removed' : 'same' }));
}

/** Per field: the version's text with what changed since marked. */
export function compareFields(version: Y.Doc, current: Y.Doc, fields: FieldDef[]): FieldDiff[] {
	return fields.map(({ key, label }) => {
		const then = fieldText(version, key);
		const now = fieldText(current, key);
		return { key, label, then, parts: diffParts(then, now), changed: then !== now };
	});
}

/** The title in an action card's meta map (other documents have none). */
export function compareTitle(version: Y.Doc, current: Y.Doc): { then: string; parts: DiffPart[]; changed: boolean } {
	const read = (doc: Y.Doc) => {
		const t = doc.getMap(META).get('title');
		return typeof t === 'string' ? t : '';
	};
	const then = read(version);
	const now = read(current);
	return { then, parts: diffParts(then, now), changed: then !== now };
}

function cloneMetaValue(value: unknown): unknown {
	// meta values are JSON values (strings, numbers, arrays of strings); Y types are not expected there
	return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * Makes `target` read like `source` in the given fragments (and, with `meta`,
 * the meta map), as one set of Yjs operations on `target`: the fragment's
 * content is replaced by a copy of the version's. Call inside the server's
 * change transaction.
 */
export function restoreInto(target: Y.Doc, source: Y.Doc, scope: { fields: string[]; meta: boolean }): void {
	for (const key of scope.fields) {
		const to = target.getXmlFragment(key);
		const from = source.getXmlFragment(key);
		const copies = from.toArray().map((node) => (node as Y.XmlElement | Y.XmlText).clone());
		if (to.length > 0) to.delete(0, to.length);
		if (copies.length > 0) to.insert(0, copies);
	}
	if (scope.meta) {
		const to = target.getMap(META);
		const from = source.getMap(META);
		for (const key of [...to.keys()]) if (!from.has(key)) to.delete(key);
		for (const [key, value] of from.entries()) {
			if (JSON.stringify(to.get(key)) !== JSON.stringify(value)) to.set(key, cloneMetaValue(value));
		}
	}
}

export interface HistoryTarget {
	name: string;
	resource: DocResource;
	access: Access;
	/** the document's action or theme (or an action's theme) is archived: nothing may be restored into it */
	archived: boolean;
}

/**
 * The document a history page or the API shows, if the user may read it and
 * it belongs to `planId` (when given); null otherwise (answer 404: no
 * existence leaks).
 */
export async function historyTarget(db: Db, roles: UserRoles, name: string, planId?: string): Promise<HistoryTarget | null> {
	const ref = parseDocName(name);
	if (!ref) return null;
	const resource = await resolveDocument(db, ref);
	if (!resource || (planId !== undefined && resource.planId !== planId)) return null;
	const access = accessToResource(roles, resource);
	if (access === 'none') return null;
	let archived = resource.archived;
	if (!archived && ref.kind === 'action' && resource.themeId) {
		const theme = await db.selectFrom('themes').select('archived_at').where('id', '=', resource.themeId).executeTakeFirst();
		archived = theme?.archived_at != null;
	}
	return { name, resource, access, archived };
}

export type RestoreOutcome = 'restored' | 'forbidden' | 'archived' | 'gone';

/**
 * Restores a version (every field and the meta map, or the one field `field`)
 * as a new change by `author`, through `changeDocument` (the live path).
 * Refuses without a write right and for an archived document.
 */
export async function restoreVersion(
	db: Db,
	options: {
		target: HistoryTarget;
		versionId: number;
		/** the document's fields (fragment keys) */
		fields: string[];
		/** one field, or null for the whole document */
		field: string | null;
		author: string;
		changeDocument: (name: string, fn: (doc: Y.Doc) => void, options: { author: string; newSession: boolean }) => Promise<void>;
	}
): Promise<RestoreOutcome> {
	const { target } = options;
	if (target.archived) return 'archived';
	if (target.access !== 'write') return 'forbidden';
	if (options.field !== null && !options.fields.includes(options.field)) return 'gone';
	const state = await readVersion(db, target.name, options.versionId);
	if (!state) return 'gone';
	const version = docFromUpdate(state);
	try {
		const scope = options.field === null ? { fields: options.fields, meta: target.resource.ref.kind === 'action' } : { fields: [options.field], meta: false };
		await options.changeDocument(target.name, (doc) => restoreInto(doc, version, scope), { author: options.author, newSession: true });
	} finally {
		version.destroy();
	}
	return 'restored';
}

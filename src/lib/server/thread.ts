import { canEditPlan, canEditTheme, canReadRegion, type PlanScopeInfo, type UserRoles } from './access.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import type { ThreadNotificationKind as NotificationKind, ThreadStatus, ThreadTargetKind } from './schema.ts';

/**
 * Comment threads (reacties) on a plan, a theme or an action, optionally
 * anchored to a passage of one rich-text field, and the inbox they feed.
 *
 * Rights (SPEC "Roles and rights", issue 5):
 *  - whoever can read the target's plan reads its threads, starts threads and
 *    replies — readers too;
 *  - a comment is edited only by its author; deleted by its author or a
 *    region admin (the route logs an admin's deletion);
 *  - a thread is resolved or reopened by whoever may edit the target, and by
 *    the thread's author even when they only read;
 *  - a mention counts only for a user who can read the thread; anyone else's
 *    name stays plain text.
 * Every function checks these itself: callers pass the acting user's roles.
 */

export const COMMENT_MAX_LENGTH = 10_000;
export const QUOTE_MAX_LENGTH = 500;

export interface ThreadTarget {
	kind: ThreadTargetKind;
	id: string;
}

export interface Actor {
	id: string;
	roles: UserRoles;
}

/** What a thread is on, found in the database (never archived). */
export interface TargetInfo extends PlanScopeInfo {
	kind: ThreadTargetKind;
	id: string;
	planId: string;
	themeId: string | null;
	title: string;
	/** keys of the target's rich-text fields: the card template or the theme sections */
	fields: string[];
}

export async function resolveTarget(db: Db, target: ThreadTarget): Promise<TargetInfo | null> {
	const plan = (planId: string) =>
		db
			.selectFrom('plans')
			.select(['id', 'title', 'region_id', 'scope', 'municipality_id', 'card_template', 'theme_sections'])
			.where('id', '=', planId)
			.where('archived_at', 'is', null)
			.executeTakeFirst();
	const keys = (json: string) => (JSON.parse(json) as { key: string }[]).map((f) => f.key);
	let planId: string;
	let themeId: string | null = null;
	let title: string;
	if (target.kind === 'plan') {
		planId = target.id;
		title = '';
	} else if (target.kind === 'theme') {
		const row = await db.selectFrom('themes').select(['plan_id', 'title']).where('id', '=', target.id).where('archived_at', 'is', null).executeTakeFirst();
		if (!row) return null;
		planId = row.plan_id;
		themeId = target.id;
		title = row.title;
	} else {
		const row = await db
			.selectFrom('actions')
			.select(['plan_id', 'theme_id', 'title'])
			.where('id', '=', target.id)
			.where('archived_at', 'is', null)
			.executeTakeFirst();
		if (!row) return null;
		planId = row.plan_id;
		themeId = row.theme_id;
		title = row.title;
	}
	const p = await plan(planId);
	if (!p) return null;
	return {
		kind: target.kind,
		id: target.id,
		planId: p.id,
		themeId,
		title: target.kind === 'plan' ? p.title : title,
		regionId: p.region_id,
		scope: p.scope,
		municipalityId: p.municipality_id,
		fields: target.kind === 'action' ? keys(p.card_template) : target.kind === 'theme' ? keys(p.theme_sections) : []
	};
}

/** May the user edit what the thread is on (and so resolve any of its threads)? */
export function canEditTarget(roles: UserRoles, target: Pick<TargetInfo, 'themeId'> & PlanScopeInfo): boolean {
	return target.themeId ? canEditTheme(roles, target, target.themeId) : canEditPlan(roles, target);
}

export function isRegionAdmin(roles: UserRoles, regionId: string): boolean {
	return roles.regionRoles.get(regionId) === 'admin';
}

/** A comment's text as stored: line ends normalised, outer whitespace trimmed. Null when empty or too long. */
export function cleanBody(body: string): string | null {
	const text = body.replace(/\r\n?/g, '\n').trim();
	if (text === '' || text.length > COMMENT_MAX_LENGTH) return null;
	return text;
}

export interface Person {
	id: string;
	name: string;
}

/** Everyone who can read the region's plans: its members, its gemeenten's editors, its themes' ambassadors. */
export async function listRegionReaders(db: Db, regionId: string): Promise<Person[]> {
	const rows = await db
		.selectFrom('users')
		.select(['users.id', 'users.name'])
		.where((eb) =>
			eb.or([
				eb('users.id', 'in', eb.selectFrom('region_memberships').select('user_id').where('region_id', '=', regionId)),
				eb(
					'users.id',
					'in',
					eb
						.selectFrom('municipality_memberships as mm')
						.innerJoin('municipalities as mu', 'mu.id', 'mm.municipality_id')
						.select('mm.user_id')
						.where('mu.region_id', '=', regionId)
				),
				eb(
					'users.id',
					'in',
					eb
						.selectFrom('theme_ambassadors as ta')
						.innerJoin('themes as t', 't.id', 'ta.theme_id')
						.innerJoin('plans as p', 'p.id', 't.plan_id')
						.select('ta.user_id')
						.where('p.region_id', '=', regionId)
				)
			])
		)
		.orderBy('users.name')
		.execute();
	return rows;
}

/**
 * The people a text mentions: `@Full Name` of a candidate, the longest name
 * winning ("@Jan de Vries" over "@Jan"), not followed by a letter or digit.
 * Names of anyone else stay plain text.
 */
export function findMentions(text: string, candidates: readonly Person[]): Person[] {
	const found = new Map<string, Person>();
	const sorted = [...candidates].sort((a, b) => b.name.length - a.name.length);
	const lower = text.toLocaleLowerCase('nl');
	let at = lower.indexOf('@');
	while (at >= 0) {
		const rest = lower.slice(at + 1);
		for (const person of sorted) {
			const name = person.name.toLocaleLowerCase('nl');
			if (name && rest.startsWith(name) && !/[\p{L}\p{N}]/u.test(rest.charAt(name.length))) {
				for (const same of sorted) if (same.name.toLocaleLowerCase('nl') === name) found.set(same.id, same);
				break;
			}
		}
		at = lower.indexOf('@', at + 1);
	}
	return [...found.values()];
}

export interface CommentView {
	id: string;
	author: Person;
	/** '' for a deleted comment */
	body: string;
	createdAt: number;
	editedAt: number | null;
	deleted: boolean;
	/** names of the mentioned users, for highlighting */
	mentions: string[];
	canEdit: boolean;
	canDelete: boolean;
}

export interface ThreadView {
	id: string;
	planId: string;
	target: { kind: ThreadTargetKind; id: string; title: string };
	themeId: string | null;
	/** the anchored field; null for a thread on the whole target (or when its field no longer exists) */
	field: string | null;
	anchor: { start: string; end: string } | null;
	quote: string | null;
	status: ThreadStatus;
	author: Person;
	resolvedBy: Person | null;
	resolvedAt: number | null;
	createdAt: number;
	updatedAt: number;
	comments: CommentView[];
	canResolve: boolean;
}

interface ThreadFilter {
	planId?: string;
	threadId?: string;
	status?: ThreadStatus;
	target?: ThreadTarget;
	/** threads this user started, commented on or was mentioned in */
	involving?: string;
}

async function loadThreads(db: Db, actor: Actor, filter: ThreadFilter): Promise<ThreadView[]> {
	let query = db
		.selectFrom('threads as th')
		.innerJoin('plans as p', 'p.id', 'th.plan_id')
		.innerJoin('users as au', 'au.id', 'th.author_id')
		.leftJoin('users as ru', 'ru.id', 'th.resolved_by')
		.leftJoin('themes as t', (j) => j.onRef('t.id', '=', 'th.target_id').on('th.target_kind', '=', 'theme'))
		.leftJoin('actions as a', (j) => j.onRef('a.id', '=', 'th.target_id').on('th.target_kind', '=', 'action'))
		.select([
			'th.id',
			'th.plan_id',
			'th.target_kind',
			'th.target_id',
			'th.theme_id',
			'th.field',
			'th.anchor_start',
			'th.anchor_end',
			'th.quote',
			'th.status',
			'th.author_id',
			'au.name as author_name',
			'th.resolved_by',
			'ru.name as resolver_name',
			'th.resolved_at',
			'th.created_at',
			'th.updated_at',
			'p.title as plan_title',
			'p.region_id',
			'p.scope',
			'p.municipality_id',
			'p.card_template',
			'p.theme_sections',
			't.title as theme_title',
			't.archived_at as theme_archived',
			'a.title as action_title',
			'a.archived_at as action_archived'
		])
		.where('p.archived_at', 'is', null);
	if (filter.planId) query = query.where('th.plan_id', '=', filter.planId);
	if (filter.threadId) query = query.where('th.id', '=', filter.threadId);
	if (filter.status) query = query.where('th.status', '=', filter.status);
	if (filter.target) query = query.where('th.target_kind', '=', filter.target.kind).where('th.target_id', '=', filter.target.id);
	if (filter.involving) {
		const userId = filter.involving;
		query = query.where((eb) =>
			eb.or([
				eb('th.author_id', '=', userId),
				eb('th.id', 'in', eb.selectFrom('comments').select('thread_id').where('author_id', '=', userId)),
				eb(
					'th.id',
					'in',
					eb.selectFrom('comment_mentions as cm').innerJoin('comments as mc', 'mc.id', 'cm.comment_id').select('mc.thread_id').where('cm.user_id', '=', userId)
				)
			])
		);
	}
	const rows = (await query.orderBy('th.created_at', 'desc').execute()).filter(
		(r) =>
			canReadRegion(actor.roles, r.region_id) &&
			!(r.target_kind === 'theme' && (r.theme_title === null || r.theme_archived !== null)) &&
			!(r.target_kind === 'action' && (r.action_title === null || r.action_archived !== null))
	);
	if (!rows.length) return [];

	const ids = rows.map((r) => r.id);
	const [comments, mentions] = await Promise.all([
		db
			.selectFrom('comments as c')
			.innerJoin('users as u', 'u.id', 'c.author_id')
			.select(['c.id', 'c.thread_id', 'c.author_id', 'u.name as author_name', 'c.body', 'c.created_at', 'c.edited_at', 'c.deleted_at'])
			.where('c.thread_id', 'in', ids)
			.orderBy('c.created_at')
			.orderBy('c.id')
			.execute(),
		db
			.selectFrom('comment_mentions as cm')
			.innerJoin('comments as c', 'c.id', 'cm.comment_id')
			.innerJoin('users as u', 'u.id', 'cm.user_id')
			.select(['cm.comment_id', 'u.name'])
			.where('c.thread_id', 'in', ids)
			.execute()
	]);
	const mentionsByComment = new Map<string, string[]>();
	for (const mention of mentions) mentionsByComment.set(mention.comment_id, [...(mentionsByComment.get(mention.comment_id) ?? []), mention.name]);
	const commentsByThread = new Map<string, CommentView[]>();

	return rows.map((r) => {
		const admin = isRegionAdmin(actor.roles, r.region_id);
		const list = commentsByThread.get(r.id) ?? [];
		for (const c of comments) {
			if (c.thread_id !== r.id) continue;
			const deleted = c.deleted_at !== null;
			list.push({
				id: c.id,
				author: { id: c.author_id, name: c.author_name },
				body: deleted ? '' : c.body,
				createdAt: c.created_at,
				editedAt: c.edited_at,
				deleted,
				mentions: deleted ? [] : (mentionsByComment.get(c.id) ?? []),
				canEdit: !deleted && c.author_id === actor.id,
				canDelete: !deleted && (c.author_id === actor.id || admin)
			});
		}
		const fieldKeys: string[] =
			r.target_kind === 'action'
				? (JSON.parse(r.card_template) as { key: string }[]).map((f) => f.key)
				: r.target_kind === 'theme'
					? (JSON.parse(r.theme_sections) as { key: string }[]).map((f) => f.key)
					: [];
		// an anchor into a field the template no longer has degrades to a thread on the target
		const anchored = r.field !== null && fieldKeys.includes(r.field) && r.anchor_start !== null && r.anchor_end !== null;
		const target = { regionId: r.region_id, scope: r.scope, municipalityId: r.municipality_id, themeId: r.theme_id };
		return {
			id: r.id,
			planId: r.plan_id,
			target: {
				kind: r.target_kind,
				id: r.target_id,
				title: (r.target_kind === 'plan' ? r.plan_title : r.target_kind === 'theme' ? r.theme_title : r.action_title) ?? ''
			},
			themeId: r.theme_id,
			field: anchored ? r.field : null,
			anchor: anchored ? { start: r.anchor_start!, end: r.anchor_end! } : null,
			quote: r.quote,
			status: r.status,
			author: { id: r.author_id, name: r.author_name },
			resolvedBy: r.resolved_by && r.resolver_name ? { id: r.resolved_by, name: r.resolver_name } : null,
			resolvedAt: r.resolved_at,
			createdAt: r.created_at,
			updatedAt: r.updated_at,
			comments: list,
			canResolve: r.author_id === actor.id || canEditTarget(actor.roles, target)
		};
	});
}

/** Open threads the user takes part in (started, replied to, mentioned in), most recent activity first. */
export async function listMyOpenThreads(db: Db, actor: Actor, limit = 10): Promise<ThreadView[]> {
	const threads = await loadThreads(db, actor, { status: 'open', involving: actor.id });
	const lastActivity = (t: ThreadView) => Math.max(t.updatedAt, ...t.comments.map((c) => c.editedAt ?? c.createdAt));
	return threads.sort((a, b) => lastActivity(b) - lastActivity(a)).slice(0, limit);
}

/** Threads of a plan the user can read, newest first; null when the plan is not there for them. */
export async function listThreads(
	db: Db,
	actor: Actor,
	options: { planId: string; status?: ThreadStatus; target?: ThreadTarget }
): Promise<ThreadView[] | null> {
	const plan = await db.selectFrom('plans').select('region_id').where('id', '=', options.planId).where('archived_at', 'is', null).executeTakeFirst();
	if (!plan || !canReadRegion(actor.roles, plan.region_id)) return null;
	return loadThreads(db, actor, options);
}

export async function getThread(db: Db, actor: Actor, threadId: string): Promise<ThreadView | null> {
	return (await loadThreads(db, actor, { threadId }))[0] ?? null;
}

/** Open threads per target (plan, theme or action id) of one plan, for the plan page's badges. */
export async function countOpenThreads(db: Db, planId: string): Promise<Map<string, number>> {
	const rows = await db
		.selectFrom('threads')
		.select((eb) => ['target_id', eb.fn.countAll<number>().as('n')])
		.where('plan_id', '=', planId)
		.where('status', '=', 'open')
		.groupBy('target_id')
		.execute();
	return new Map(rows.map((r) => [r.target_id, Number(r.n)]));
}

export type Refusal = { ok: false; reason: 'not_found' | 'forbidden' | 'invalid' };

/** What a change did: the thread's plan (for the live channel) and whose inbox got something. */
export interface Changed {
	ok: true;
	threadId: string;
	planId: string;
	target: ThreadTarget;
	notified: string[];
	commentId?: string;
}

async function notify(
	db: Db,
	rows: { userId: string; kind: NotificationKind; threadId: string; commentId: string | null; actorId: string }[]
): Promise<string[]> {
	const seen = new Set<string>();
	const unique = rows.filter((r) => r.userId !== r.actorId && !seen.has(r.userId) && seen.add(r.userId));
	if (!unique.length) return [];
	const now = Date.now();
	await db
		.insertInto('notifications')
		.values(
			unique.map((r) => ({
				id: newId(),
				user_id: r.userId,
				kind: r.kind,
				thread_id: r.threadId,
				comment_id: r.commentId,
				actor_id: r.actorId,
				created_at: now,
				read_at: null
			}))
		)
		.execute();
	return unique.map((r) => r.userId);
}

async function insertComment(db: Db, input: { threadId: string; authorId: string; body: string; mentioned: Person[]; now: number }): Promise<string> {
	const id = newId();
	await db
		.insertInto('comments')
		.values({ id, thread_id: input.threadId, author_id: input.authorId, body: input.body, created_at: input.now, edited_at: null, deleted_at: null, deleted_by: null })
		.execute();
	if (input.mentioned.length) {
		await db
			.insertInto('comment_mentions')
			.values(input.mentioned.map((p) => ({ comment_id: id, user_id: p.id })))
			.execute();
	}
	return id;
}

export interface NewThread {
	target: ThreadTarget;
	body: string;
	/** an anchored thread: the field and the passage's relative positions (base64) */
	anchor?: { field: string; start: string; end: string; quote: string } | null;
}

/** Starts a thread with its first comment. Mentions and the target's theme ambassadors get a notification. */
export async function createThread(db: Db, actor: Actor, input: NewThread): Promise<Changed | Refusal> {
	const target = await resolveTarget(db, input.target);
	if (!target || !canReadRegion(actor.roles, target.regionId)) return { ok: false, reason: 'not_found' };
	const body = cleanBody(input.body);
	if (body === null) return { ok: false, reason: 'invalid' };
	// an anchor into a field that does not exist (any more) makes a thread on the target itself
	const anchor = input.anchor && target.fields.includes(input.anchor.field) ? input.anchor : null;
	const mentioned = findMentions(body, await listRegionReaders(db, target.regionId));
	const ambassadors = target.themeId
		? await db.selectFrom('theme_ambassadors').select('user_id').where('theme_id', '=', target.themeId).execute()
		: [];
	const id = newId();
	const now = Date.now();
	const result = await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('threads')
			.values({
				id,
				plan_id: target.planId,
				target_kind: target.kind,
				target_id: target.id,
				theme_id: target.themeId,
				field: anchor?.field ?? null,
				anchor_start: anchor?.start ?? null,
				anchor_end: anchor?.end ?? null,
				quote: anchor ? anchor.quote.slice(0, QUOTE_MAX_LENGTH) : null,
				author_id: actor.id,
				resolved_by: null,
				resolved_at: null,
				created_at: now,
				updated_at: now
			})
			.execute();
		const commentId = await insertComment(trx, { threadId: id, authorId: actor.id, body, mentioned, now });
		const notified = await notify(trx, [
			...mentioned.map((p) => ({ userId: p.id, kind: 'mention' as const, threadId: id, commentId, actorId: actor.id })),
			...ambassadors.map((a) => ({ userId: a.user_id, kind: 'new_thread' as const, threadId: id, commentId, actorId: actor.id }))
		]);
		return { commentId, notified };
	});
	return { ok: true, threadId: id, planId: target.planId, target: input.target, ...result };
}

interface ThreadAccess {
	thread: { id: string; plan_id: string; author_id: string; status: ThreadStatus; target_kind: ThreadTargetKind; target_id: string };
	target: TargetInfo;
}

/** The thread and its target, when the actor can read them. */
async function readableThread(db: Db, actor: Actor, threadId: string): Promise<ThreadAccess | null> {
	const thread = await db
		.selectFrom('threads')
		.select(['id', 'plan_id', 'author_id', 'status', 'target_kind', 'target_id'])
		.where('id', '=', threadId)
		.executeTakeFirst();
	if (!thread) return null;
	const target = await resolveTarget(db, { kind: thread.target_kind, id: thread.target_id });
	if (!target || !canReadRegion(actor.roles, target.regionId)) return null;
	return { thread, target };
}

function changed(access: ThreadAccess, notified: string[] = [], commentId?: string): Changed {
	return {
		ok: true,
		threadId: access.thread.id,
		planId: access.thread.plan_id,
		target: { kind: access.thread.target_kind, id: access.thread.target_id },
		notified,
		commentId
	};
}

/** A reply. The thread's author gets "reply", mentioned readers "mention" (one notification each). */
export async function addComment(db: Db, actor: Actor, input: { threadId: string; body: string }): Promise<Changed | Refusal> {
	const access = await readableThread(db, actor, input.threadId);
	if (!access) return { ok: false, reason: 'not_found' };
	const body = cleanBody(input.body);
	if (body === null) return { ok: false, reason: 'invalid' };
	const mentioned = findMentions(body, await listRegionReaders(db, access.target.regionId));
	const now = Date.now();
	return db.transaction().execute(async (trx) => {
		const commentId = await insertComment(trx, { threadId: access.thread.id, authorId: actor.id, body, mentioned, now });
		await trx.updateTable('threads').set({ updated_at: now }).where('id', '=', access.thread.id).execute();
		const notified = await notify(trx, [
			...mentioned.map((p) => ({ userId: p.id, kind: 'mention' as const, threadId: access.thread.id, commentId, actorId: actor.id })),
			{ userId: access.thread.author_id, kind: 'reply' as const, threadId: access.thread.id, commentId, actorId: actor.id }
		]);
		return changed(access, notified, commentId);
	});
}

async function commentInThread(db: Db, threadId: string, commentId: string) {
	return db
		.selectFrom('comments')
		.select(['id', 'author_id', 'deleted_at'])
		.where('id', '=', commentId)
		.where('thread_id', '=', threadId)
		.executeTakeFirst();
}

/** Changes the text of one's own comment; newly mentioned readers are notified. */
export async function editComment(
	db: Db,
	actor: Actor,
	input: { threadId: string; commentId: string; body: string }
): Promise<Changed | Refusal> {
	const access = await readableThread(db, actor, input.threadId);
	if (!access) return { ok: false, reason: 'not_found' };
	const comment = await commentInThread(db, input.threadId, input.commentId);
	if (!comment || comment.deleted_at !== null) return { ok: false, reason: 'not_found' };
	if (comment.author_id !== actor.id) return { ok: false, reason: 'forbidden' };
	const body = cleanBody(input.body);
	if (body === null) return { ok: false, reason: 'invalid' };
	const mentioned = findMentions(body, await listRegionReaders(db, access.target.regionId));
	const before = new Set(
		(await db.selectFrom('comment_mentions').select('user_id').where('comment_id', '=', comment.id).execute()).map((r) => r.user_id)
	);
	const now = Date.now();
	return db.transaction().execute(async (trx) => {
		await trx.updateTable('comments').set({ body, edited_at: now }).where('id', '=', comment.id).execute();
		await trx.deleteFrom('comment_mentions').where('comment_id', '=', comment.id).execute();
		if (mentioned.length) {
			await trx
				.insertInto('comment_mentions')
				.values(mentioned.map((p) => ({ comment_id: comment.id, user_id: p.id })))
				.execute();
		}
		await trx.updateTable('threads').set({ updated_at: now }).where('id', '=', access.thread.id).execute();
		const notified = await notify(
			trx,
			mentioned
				.filter((p) => !before.has(p.id))
				.map((p) => ({ userId: p.id, kind: 'mention' as const, threadId: access.thread.id, commentId: comment.id, actorId: actor.id }))
		);
		return changed(access, notified, comment.id);
	});
}

/**
 * Deletes a comment: its author, or a region admin (`byAdmin` tells the
 * caller to log it). The row stays, without text, shown as "deleted".
 */
export async function deleteComment(
	db: Db,
	actor: Actor,
	input: { threadId: string; commentId: string }
): Promise<(Changed & { byAdmin: boolean }) | Refusal> {
	const access = await readableThread(db, actor, input.threadId);
	if (!access) return { ok: false, reason: 'not_found' };
	const comment = await commentInThread(db, input.threadId, input.commentId);
	if (!comment || comment.deleted_at !== null) return { ok: false, reason: 'not_found' };
	const own = comment.author_id === actor.id;
	if (!own && !isRegionAdmin(actor.roles, access.target.regionId)) return { ok: false, reason: 'forbidden' };
	const now = Date.now();
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('comments').set({ body: '', deleted_at: now, deleted_by: actor.id }).where('id', '=', comment.id).execute();
		await trx.deleteFrom('comment_mentions').where('comment_id', '=', comment.id).execute();
		await trx.deleteFrom('notifications').where('comment_id', '=', comment.id).where('read_at', 'is', null).execute();
		await trx.updateTable('threads').set({ updated_at: now }).where('id', '=', access.thread.id).execute();
	});
	return { ...changed(access, [], comment.id), byAdmin: !own };
}

/** Resolves or reopens: an editor of the target, or the thread's author. */
export async function setThreadStatus(
	db: Db,
	actor: Actor,
	input: { threadId: string; status: ThreadStatus }
): Promise<Changed | Refusal> {
	const access = await readableThread(db, actor, input.threadId);
	if (!access) return { ok: false, reason: 'not_found' };
	if (access.thread.author_id !== actor.id && !canEditTarget(actor.roles, access.target)) return { ok: false, reason: 'forbidden' };
	const now = Date.now();
	await db
		.updateTable('threads')
		.set(
			input.status === 'resolved'
				? { status: 'resolved', resolved_by: actor.id, resolved_at: now, updated_at: now }
				: { status: 'open', resolved_by: null, resolved_at: null, updated_at: now }
		)
		.where('id', '=', access.thread.id)
		.execute();
	return changed(access);
}

export interface NotificationView {
	id: string;
	kind: NotificationKind;
	createdAt: number;
	read: boolean;
	actor: string;
	threadId: string;
	planId: string;
	planTitle: string;
	target: { kind: ThreadTargetKind; id: string; title: string };
	/** the comment's text ('' when deleted since) */
	body: string;
}

/**
 * A reader's notifications with who caused them, newest first; the caller
 * joins what they are about (a thread or a review cycle) and its plan.
 */
export function notificationsOf(db: Db, userId: string, options: { unreadOnly: boolean; limit: number }) {
	let query = db
		.selectFrom('notifications as n')
		.innerJoin('users as u', 'u.id', 'n.actor_id')
		.select(['n.id', 'n.kind', 'n.created_at', 'n.read_at', 'u.name as actor'])
		.where('n.user_id', '=', userId);
	if (options.unreadOnly) query = query.where('n.read_at', 'is', null);
	return query.orderBy('n.created_at', 'desc').limit(options.limit);
}

async function inboxRows(db: Db, actor: Actor, options: { unreadOnly: boolean; limit: number }) {
	const rows = await notificationsOf(db, actor.id, options)
		.innerJoin('threads as th', 'th.id', 'n.thread_id')
		.innerJoin('plans as p', 'p.id', 'th.plan_id')
		.leftJoin('comments as c', 'c.id', 'n.comment_id')
		.leftJoin('themes as t', (j) => j.onRef('t.id', '=', 'th.target_id').on('th.target_kind', '=', 'theme'))
		.leftJoin('actions as a', (j) => j.onRef('a.id', '=', 'th.target_id').on('th.target_kind', '=', 'action'))
		.select([
			'th.id as thread_id',
			'th.target_kind',
			'th.target_id',
			'p.id as plan_id',
			'p.title as plan_title',
			'p.region_id',
			't.title as theme_title',
			'a.title as action_title',
			'c.body',
			'c.deleted_at'
		])
		.where('p.archived_at', 'is', null)
		.execute();
	// rights may have changed since: only what the user can still read
	return rows.filter((r) => canReadRegion(actor.roles, r.region_id));
}

export async function listNotifications(db: Db, actor: Actor, limit = 100): Promise<NotificationView[]> {
	return (await inboxRows(db, actor, { unreadOnly: false, limit })).map((r) => ({
		id: r.id,
		// the inner join on threads keeps only thread notifications
		kind: r.kind as NotificationKind,
		createdAt: r.created_at,
		read: r.read_at !== null,
		actor: r.actor,
		threadId: r.thread_id,
		planId: r.plan_id,
		planTitle: r.plan_title,
		target: {
			kind: r.target_kind,
			id: r.target_id,
			title: (r.target_kind === 'plan' ? r.plan_title : r.target_kind === 'theme' ? r.theme_title : r.action_title) ?? ''
		},
		body: r.deleted_at === null ? (r.body ?? '') : ''
	}));
}

export async function countUnread(db: Db, actor: Actor): Promise<number> {
	return (await inboxRows(db, actor, { unreadOnly: true, limit: 1000 })).length;
}

/** Marks the user's own notifications read: the given ones, or all. Returns how many changed. */
export async function markRead(db: Db, userId: string, ids: readonly string[] | 'all'): Promise<number> {
	if (ids !== 'all' && ids.length === 0) return 0;
	let query = db.updateTable('notifications').set({ read_at: Date.now() }).where('user_id', '=', userId).where('read_at', 'is', null);
	if (ids !== 'all') query = query.where('id', 'in', ids);
	const result = await query.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** Marks the user's notifications about these threads read (they opened the thread). Returns how many changed. */
export async function markThreadsRead(db: Db, userId: string, threadIds: readonly string[]): Promise<number> {
	if (threadIds.length === 0) return 0;
	const result = await db
		.updateTable('notifications')
		.set({ read_at: Date.now() })
		.where('user_id', '=', userId)
		.where('read_at', 'is', null)
		.where('thread_id', 'in', threadIds)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

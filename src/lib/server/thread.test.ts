import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import {
	addComment,
	COMMENT_MAX_LENGTH,
	countOpenThreads,
	countUnread,
	createThread,
	deleteComment,
	editComment,
	findMentions,
	getThread,
	listNotifications,
	listMyOpenThreads,
	listThreads,
	markRead,
	markThreadsRead,
	setThreadStatus,
	type Actor
} from './thread.ts';
import { getUserByEmail } from './user.ts';

let t: TestDatabase;
const KENNEMERLAND = 'kennemerland-actieprogramma-2021-2024';
let planId: string;
let action: { id: string; theme_id: string };
let field: string;

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	const plan = await t.db.selectFrom('plans').select(['id', 'card_template']).where('slug', '=', KENNEMERLAND).executeTakeFirstOrThrow();
	planId = plan.id;
	field = (JSON.parse(plan.card_template) as { key: string }[])[0].key;
	action = await t.db
		.selectFrom('actions')
		.select(['id', 'theme_id'])
		.where('plan_id', '=', planId)
		.where('archived_at', 'is', null)
		.orderBy('position')
		.executeTakeFirstOrThrow();
});
afterAll(async () => t.close());

async function actor(email: string): Promise<Actor & { name: string }> {
	const user = (await getUserByEmail(t.db, email))!;
	return { id: user.id, name: user.name, roles: await loadUserRoles(t.db, user.id) };
}
const editor = () => actor('werkgroep@kring.example');
const viewer = () => actor('lezer@kring.example');
const admin = () => actor('beheerder@kring.example');
const stranger = () => actor('arnhem@kring.example'); // reads Arnhem-Achterhoek only

async function startThread(by: Actor, body = 'Kunnen we dit scherper formuleren?') {
	const result = await createThread(t.db, by, { target: { kind: 'action', id: action.id }, body });
	if (!result.ok) throw new Error(result.reason);
	return result;
}

describe('rights', () => {
	it('let a viewer start a thread and reply', async () => {
		const els = await viewer();
		const created = await startThread(els);
		const reply = await addComment(t.db, els, { threadId: created.threadId, body: 'Nog een gedachte.' });
		expect(reply.ok).toBe(true);
		expect((await getThread(t.db, els, created.threadId))!.comments).toHaveLength(2);
	});

	it('hide threads from someone who cannot read the plan, as if they did not exist', async () => {
		const created = await startThread(await editor());
		const ruben = await stranger();
		expect(await getThread(t.db, ruben, created.threadId)).toBeNull();
		expect(await listThreads(t.db, ruben, { planId })).toBeNull();
		expect(await addComment(t.db, ruben, { threadId: created.threadId, body: 'hallo' })).toEqual({ ok: false, reason: 'not_found' });
		expect(await createThread(t.db, ruben, { target: { kind: 'action', id: action.id }, body: 'x' })).toEqual({
			ok: false,
			reason: 'not_found'
		});
	});

	it('let only the author edit a comment', async () => {
		const joris = await editor();
		const created = await startThread(joris);
		const els = await viewer();
		expect(await editComment(t.db, els, { threadId: created.threadId, commentId: created.commentId!, body: 'overgenomen' })).toEqual({
			ok: false,
			reason: 'forbidden'
		});
		expect((await editComment(t.db, joris, { threadId: created.threadId, commentId: created.commentId!, body: 'Scherper.' })).ok).toBe(true);
		const comment = (await getThread(t.db, joris, created.threadId))!.comments[0];
		expect(comment.body).toBe('Scherper.');
		expect(comment.editedAt).not.toBeNull();
	});

	it('let the author or an admin delete a comment, and nobody else; the text is gone', async () => {
		const els = await viewer();
		const created = await startThread(els, 'Geheime formulering');
		expect(await deleteComment(t.db, await editor(), { threadId: created.threadId, commentId: created.commentId! })).toEqual({
			ok: false,
			reason: 'forbidden'
		});
		const byAdmin = await deleteComment(t.db, await admin(), { threadId: created.threadId, commentId: created.commentId! });
		expect(byAdmin).toMatchObject({ ok: true, byAdmin: true });
		const comment = (await getThread(t.db, els, created.threadId))!.comments[0];
		expect(comment).toMatchObject({ deleted: true, body: '', canEdit: false });
		const row = await t.db.selectFrom('comments').select('body').where('id', '=', created.commentId!).executeTakeFirstOrThrow();
		expect(row.body).toBe('');
	});

	it('let an editor resolve any thread, and a reader only their own', async () => {
		const els = await viewer();
		const joris = await editor();
		const own = await startThread(els);
		const other = await startThread(joris);
		expect(await setThreadStatus(t.db, els, { threadId: other.threadId, status: 'resolved' })).toEqual({ ok: false, reason: 'forbidden' });
		expect((await setThreadStatus(t.db, els, { threadId: own.threadId, status: 'resolved' })).ok).toBe(true);
		expect((await getThread(t.db, els, own.threadId))!).toMatchObject({ status: 'resolved', resolvedBy: { name: els.name } });
		expect((await setThreadStatus(t.db, joris, { threadId: own.threadId, status: 'open' })).ok).toBe(true);
		expect((await getThread(t.db, joris, own.threadId))!.status).toBe('open');
		expect((await getThread(t.db, els, other.threadId))!.canResolve).toBe(false);
	});
});

describe('bad input', () => {
	it('refuses empty, whitespace-only and over-long comments', async () => {
		const joris = await editor();
		for (const body of ['', '   \n\t ', 'x'.repeat(COMMENT_MAX_LENGTH + 1)]) {
			expect(await createThread(t.db, joris, { target: { kind: 'action', id: action.id }, body })).toEqual({ ok: false, reason: 'invalid' });
		}
		expect((await createThread(t.db, joris, { target: { kind: 'action', id: action.id }, body: 'x'.repeat(COMMENT_MAX_LENGTH) })).ok).toBe(true);
	});

	it('turns an anchor to a field that does not exist into a thread on the action', async () => {
		const result = await createThread(t.db, await editor(), {
			target: { kind: 'action', id: action.id },
			body: 'Over een verdwenen veld',
			anchor: { field: 'bestaat_niet', start: 'AAA=', end: 'AAA=', quote: 'iets' }
		});
		if (!result.ok) throw new Error(result.reason);
		const thread = (await getThread(t.db, await editor(), result.threadId))!;
		expect(thread.field).toBeNull();
		expect(thread.anchor).toBeNull();
	});

	it('keeps an anchor to an existing field', async () => {
		const result = await createThread(t.db, await editor(), {
			target: { kind: 'action', id: action.id },
			body: 'Over deze zin',
			anchor: { field, start: 'AQID', end: 'BAUG', quote: 'deze zin' }
		});
		if (!result.ok) throw new Error(result.reason);
		expect((await getThread(t.db, await viewer(), result.threadId))!).toMatchObject({ field, anchor: { start: 'AQID', end: 'BAUG' }, quote: 'deze zin' });
	});

	it('refuses a target that does not exist', async () => {
		expect(await createThread(t.db, await editor(), { target: { kind: 'action', id: 'bestaatniet' }, body: 'x' })).toEqual({
			ok: false,
			reason: 'not_found'
		});
	});
});

describe('mentions', () => {
	const people = [
		{ id: 'a', name: 'Jan' },
		{ id: 'b', name: 'Jan de Vries' },
		{ id: 'c', name: 'Els de Wit' }
	];

	it('find the longest matching name', () => {
		expect(findMentions('Hoi @Jan de Vries, zie dit', people).map((p) => p.id)).toEqual(['b']);
		expect(findMentions('@jan en @els de wit', people).map((p) => p.id)).toEqual(['a', 'c']);
	});

	it('ignore unknown names and names running into a word', () => {
		expect(findMentions('@Piet en @Janneke en mail@example.org', people)).toEqual([]);
	});

	it('notify a mentioned reader and the thread author, and not someone who cannot read the plan', async () => {
		const joris = await editor();
		const els = await viewer();
		const ruben = await stranger();
		const before = await countUnread(t.db, joris);
		const created = await startThread(joris);
		const reply = await addComment(t.db, els, { threadId: created.threadId, body: `Eens, @${joris.name}. En @${ruben.name}?` });
		if (!reply.ok) throw new Error(reply.reason);
		expect(reply.notified).toEqual([joris.id]);
		expect(await countUnread(t.db, joris)).toBe(before + 1);
		expect(await countUnread(t.db, ruben)).toBe(0);
		const comment = (await getThread(t.db, els, created.threadId))!.comments[1];
		expect(comment.mentions).toEqual([joris.name]);
		const inbox = await listNotifications(t.db, joris);
		expect(inbox[0]).toMatchObject({ kind: 'mention', threadId: created.threadId, actor: els.name, read: false });
		await markRead(t.db, joris.id, [inbox[0].id]);
		expect(await countUnread(t.db, joris)).toBe(before);
	});

	it('never notify the author of their own comment', async () => {
		const joris = await editor();
		const before = await countUnread(t.db, joris);
		const created = await startThread(joris, `Notitie voor mezelf @${joris.name}`);
		await addComment(t.db, joris, { threadId: created.threadId, body: 'nog iets' });
		expect(await countUnread(t.db, joris)).toBe(before);
	});

	it('mark everything read at once for that user only', async () => {
		const joris = await editor();
		const els = await viewer();
		const created = await startThread(els);
		await addComment(t.db, joris, { threadId: created.threadId, body: 'antwoord' });
		expect(await countUnread(t.db, els)).toBeGreaterThan(0);
		await markRead(t.db, joris.id, 'all');
		expect(await countUnread(t.db, els)).toBeGreaterThan(0);
		await markRead(t.db, els.id, 'all');
		expect(await countUnread(t.db, els)).toBe(0);
	});

	it("opening a thread marks that thread's notifications read, not others', not another user's", async () => {
		const joris = await editor();
		const els = await viewer();
		const opened = await startThread(els);
		const other = await startThread(els);
		await addComment(t.db, joris, { threadId: opened.threadId, body: `@${els.name} kijk je mee?` });
		await addComment(t.db, joris, { threadId: other.threadId, body: `@${els.name} en hier?` });
		await addComment(t.db, els, { threadId: opened.threadId, body: `@${joris.name} ja` });
		const before = await countUnread(t.db, els);
		const jorisBefore = await countUnread(t.db, joris);
		expect(await markThreadsRead(t.db, els.id, [opened.threadId])).toBe(1);
		expect(await countUnread(t.db, els)).toBe(before - 1);
		expect(await countUnread(t.db, joris)).toBe(jorisBefore);
		const unreadThreads = (await listNotifications(t.db, els)).filter((n) => !n.read).map((n) => n.threadId);
		expect(unreadThreads).toContain(other.threadId);
		expect(unreadThreads).not.toContain(opened.threadId);
	});
});

describe('my open threads (Mijn Kring)', () => {
	it('lists threads I started, replied to or was mentioned in, newest activity first', async () => {
		const joris = await editor();
		const els = await viewer();
		const sanne = await admin();
		const started = await startThread(els, 'Mijn eigen vraag');
		const mentioned = await startThread(joris, `Wat vind jij, @${els.name}?`);
		const elsewhere = await startThread(joris, 'Hier doet Els niet mee');
		const replied = await startThread(sanne, 'Een vraag van de beheerder');
		await addComment(t.db, els, { threadId: replied.threadId, body: 'Mijn antwoord' });
		const mine = (await listMyOpenThreads(t.db, els, 50)).map((th) => th.id);
		expect(mine).toEqual(expect.arrayContaining([started.threadId, mentioned.threadId, replied.threadId]));
		expect(mine).not.toContain(elsewhere.threadId);
		// a new reply on the oldest of them brings it to the top
		await new Promise((done) => setTimeout(done, 5));
		await addComment(t.db, sanne, { threadId: started.threadId, body: 'Nog een antwoord' });
		expect((await listMyOpenThreads(t.db, els, 50))[0].id).toBe(started.threadId);
	});

	it('leaves out resolved threads', async () => {
		const els = await viewer();
		const done = await startThread(els, 'Al afgehandeld');
		await setThreadStatus(t.db, els, { threadId: done.threadId, status: 'resolved' });
		expect((await listMyOpenThreads(t.db, els, 50)).map((th) => th.id)).not.toContain(done.threadId);
	});
});

describe('lists', () => {
	it('filter by status and count open threads per target', async () => {
		const joris = await editor();
		const created = await startThread(joris);
		const open = await countOpenThreads(t.db, planId);
		await setThreadStatus(t.db, joris, { threadId: created.threadId, status: 'resolved' });
		expect((await countOpenThreads(t.db, planId)).get(action.id)).toBe((open.get(action.id) ?? 0) - 1);
		const resolved = (await listThreads(t.db, joris, { planId, status: 'resolved' }))!;
		expect(resolved.map((th) => th.id)).toContain(created.threadId);
		expect(resolved.every((th) => th.status === 'resolved')).toBe(true);
		const openList = (await listThreads(t.db, joris, { planId, status: 'open' }))!;
		expect(openList.map((th) => th.id)).not.toContain(created.threadId);
	});
});

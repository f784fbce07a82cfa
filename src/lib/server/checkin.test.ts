import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUserRoles } from './access.ts';
import {
	checkinDigest,
	checkinRequestRows,
	fileCheckin,
	getRhythm,
	listCheckins,
	periodKey,
	setRhythm,
	startDueRounds,
	startRoundNow,
	themeCheckinStates
} from './checkin.ts';
import { allowWarning, recordClientDataWarning, resetWarningLimits, WARNINGS_PER_HOUR } from './client-data-audit.ts';
import { countInboxUnread, listInbox, markRead } from './inbox.ts';
import type { MailMessage } from './mail.ts';
import { sendNotificationMails } from './notification-mail.ts';
import { createAction, createTheme } from './plan.ts';
import { seedShape } from './plan-shape.fixtures.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
let s: Awaited<ReturnType<typeof seedShape>>;
let otherTheme: string;
let otherAction: string;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 5, 9, 0, 0); // 5 October 2026, Q4

const actor = async (id: string) => ({ id, roles: await loadUserRoles(t.db, id) });

async function person(id: string, name: string, canSignIn = true) {
	await t.db
		.insertInto('users')
		.values({ id, email: `${id}@example.test`, name, password_hash: canSignIn ? 'x' : null, color: '#123456', created_at: 0 })
		.execute();
}

beforeAll(async () => {
	t = await createTestDatabase();
	const docs = new Map<string, Uint8Array>();
	s = await seedShape(t.db, docs);
	const put = (name: string, update: Uint8Array) => docs.set(name, update);
	otherTheme = await createTheme(t.db, { planId: s.regional, chapterId: s.chapterId, title: 'Tweede thema' }, put);
	otherAction = await createAction(t.db, { planId: s.regional, themeId: otherTheme, level: 'regional', title: 'Andere actie' }, put);
	await t.db.insertInto('region_memberships').values({ user_id: s.userId, region_id: s.regionId, role: 'editor' }).execute();
	await person('amb', 'Fatma Ambassadeur');
	await person('amb2', 'Karel Ambassadeur');
	await person('ghost', 'Zonder Account', false);
	await person('lezer', 'Els Lezer');
	await person('vreemd', 'Vreemde');
	await t.db.insertInto('region_memberships').values({ user_id: 'lezer', region_id: s.regionId, role: 'viewer' }).execute();
	await t.db
		.insertInto('theme_ambassadors')
		.values([
			{ theme_id: s.themeId, user_id: 'amb', municipality_id: null, organisation: null },
			{ theme_id: otherTheme, user_id: 'amb2', municipality_id: null, organisation: null },
			{ theme_id: otherTheme, user_id: 'ghost', municipality_id: null, organisation: null }
		])
		.execute();
});
afterAll(async () => t.close());

describe('periodKey', () => {
	it('names the calendar period of a moment', () => {
		expect(periodKey('month', T0)).toBe('2026-10');
		expect(periodKey('quarter', T0)).toBe('2026-Q4');
		expect(periodKey('half_year', T0)).toBe('2026-H2');
		expect(periodKey('quarter', Date.UTC(2026, 2, 31))).toBe('2026-Q1');
		expect(periodKey('off', T0)).toBeNull();
	});
});

describe('the rhythm and rounds', () => {
	it('refuses a reader and an ambassador setting the rhythm, and changes nothing', async () => {
		expect(await setRhythm(t.db, { actor: await actor('lezer'), planId: s.regional, rhythm: 'quarter', now: T0 })).toEqual({ ok: false, reason: 'forbidden' });
		expect(await setRhythm(t.db, { actor: await actor('amb'), planId: s.regional, rhythm: 'quarter', now: T0 })).toEqual({ ok: false, reason: 'forbidden' });
		expect(await setRhythm(t.db, { actor: await actor('vreemd'), planId: s.regional, rhythm: 'quarter', now: T0 })).toEqual({ ok: false, reason: 'not_found' });
		expect(await getRhythm(t.db, s.regional)).toBe('off');
		expect(await t.db.selectFrom('checkin_rounds').selectAll().execute()).toEqual([]);
	});

	it('an editor sets a quarter: the round starts and every ambassador who can sign in is asked', async () => {
		const result = await setRhythm(t.db, { actor: await actor(s.userId), planId: s.regional, rhythm: 'quarter', now: T0 });
		expect(result).toEqual({ ok: true, asked: expect.arrayContaining(['amb', 'amb2']) });
		if (result.ok) expect(result.asked).not.toContain('ghost');
		expect(await getRhythm(t.db, s.regional)).toBe('quarter');
		const rows = await checkinRequestRows(t.db, await actor('amb'), { unreadOnly: true, limit: 10 });
		expect(rows).toEqual([expect.objectContaining({ themeId: s.themeId, themeTitle: 'Eerste thema', planId: s.regional, read: false, answered: false })]);
		expect(await countInboxUnread(t.db, await actor('amb'))).toBe(1);
		expect((await listInbox(t.db, await actor('amb')))[0]).toMatchObject({ type: 'checkin', themeId: s.themeId });
	});

	it('the request goes out by the notification mail once, naming the theme and plan', async () => {
		const sent: MailMessage[] = [];
		const mailer = { enabled: true, send: async (message: MailMessage) => void sent.push(message) };
		await sendNotificationMails(t.db, { mailer, baseUrl: 'https://kring.example.nl', now: T0 + 60_000 });
		const mine = sent.filter((mail) => mail.to === 'amb@example.test');
		expect(mine).toHaveLength(1);
		expect(mine[0].text).toContain('Hoe staat het met thema ‘Eerste thema’ (Regioplan)?');
		expect(sent.some((mail) => mail.to === 'ghost@example.test')).toBe(false);
		sent.length = 0;
		await sendNotificationMails(t.db, { mailer, baseUrl: 'https://kring.example.nl', now: T0 + 120_000 });
		expect(sent.filter((mail) => mail.to === 'amb@example.test')).toHaveLength(0);
	});

	it('the sweep starts no second round in the same quarter, and one in the next', async () => {
		expect(await startDueRounds(t.db, T0 + DAY)).toEqual([]);
		expect(await t.db.selectFrom('checkin_rounds').select('id').execute()).toHaveLength(1);
		const next = Date.UTC(2027, 0, 2);
		expect(await startDueRounds(t.db, next)).toEqual(expect.arrayContaining(['amb', 'amb2']));
		const rounds = await t.db.selectFrom('checkin_rounds').select('period').orderBy('started_at').execute();
		expect(rounds.map((r) => r.period)).toEqual(['2026-Q4', '2027-Q1']);
		// one unread request per person and theme: the newer replaced the older
		expect(await checkinRequestRows(t.db, await actor('amb'), { unreadOnly: true, limit: 10 })).toHaveLength(1);
	});
});

describe('filing a check-in', () => {
	const NOW = Date.UTC(2027, 0, 10);
	const text = { happened: 'Werkbijeenkomst gehouden.', next: 'Training in maart.', help: 'Een locatie.' };

	it('refuses a check-in for a theme one is not ambassador of, and stores nothing', async () => {
		for (const who of ['amb2', s.userId, 'lezer']) {
			const r = await fileCheckin(t.db, { actor: await actor(who), planId: s.regional, themeId: s.themeId, checkin: { ...text, statuses: {} }, now: NOW });
			expect(r).toEqual({ ok: false, reason: 'forbidden' });
		}
		expect(await fileCheckin(t.db, { actor: await actor('vreemd'), planId: s.regional, themeId: s.themeId, checkin: { ...text, statuses: {} } })).toEqual({
			ok: false,
			reason: 'not_found'
		});
		// a theme of another plan under this plan's id
		expect(await fileCheckin(t.db, { actor: await actor('amb'), planId: s.local, themeId: s.themeId, checkin: { ...text, statuses: {} } })).toEqual({
			ok: false,
			reason: 'not_found'
		});
		expect(await t.db.selectFrom('checkins').selectAll().execute()).toEqual([]);
	});

	it('refuses an empty check-in and a status for an action of another theme', async () => {
		const a = await actor('amb');
		expect(await fileCheckin(t.db, { actor: a, planId: s.regional, themeId: s.themeId, checkin: { happened: ' ', next: '', help: '', statuses: {} } })).toEqual({
			ok: false,
			reason: 'invalid'
		});
		expect(
			await fileCheckin(t.db, { actor: a, planId: s.regional, themeId: s.themeId, checkin: { ...text, statuses: { [otherAction]: 'done' } } })
		).toEqual({ ok: false, reason: 'invalid' });
		expect(
			await fileCheckin(t.db, { actor: a, planId: s.regional, themeId: s.themeId, checkin: { ...text, statuses: { [s.actionId]: 'klaar' } } })
		).toEqual({ ok: false, reason: 'invalid' });
		expect(await t.db.selectFrom('checkins').selectAll().execute()).toEqual([]);
	});

	it('the ambassador files: stored with a status change, the request answered, readers see it', async () => {
		const r = await fileCheckin(t.db, {
			actor: await actor('amb'),
			planId: s.regional,
			themeId: s.themeId,
			checkin: { ...text, statuses: { [s.actionId]: 'in_progress' } },
			now: NOW
		});
		expect(r).toEqual({ ok: true, checkinId: expect.any(String), changes: [{ actionId: s.actionId, status: 'in_progress', previous: 'not_started' }] });
		expect(await checkinRequestRows(t.db, await actor('amb'), { unreadOnly: true, limit: 10 })).toEqual([]);
		const list = await listCheckins(t.db, await actor('lezer'), { planId: s.regional });
		expect(list).toEqual([
			expect.objectContaining({
				themeId: s.themeId,
				author: { id: 'amb', name: 'Fatma Ambassadeur' },
				createdAt: NOW,
				...text,
				statuses: [{ actionId: s.actionId, status: 'in_progress', previous: 'not_started', actionTitle: 'Eerste actie' }]
			})
		]);
		expect(await listCheckins(t.db, await actor('vreemd'), { planId: s.regional })).toBeNull();
	});

	it('the digest since a date lists the check-in, its status change and open threads', async () => {
		await t.db
			.insertInto('threads')
			.values({
				id: 'th1',
				plan_id: s.regional,
				target_kind: 'theme',
				target_id: otherTheme,
				theme_id: otherTheme,
				field: null,
				anchor_start: null,
				anchor_end: null,
				quote: null,
				author_id: 'amb2',
				resolved_by: null,
				resolved_at: null,
				created_at: NOW,
				updated_at: NOW
			})
			.execute();
		const digest = await checkinDigest(t.db, await actor('lezer'), { planId: s.regional, since: NOW - DAY });
		expect(digest?.checkins.map((c) => c.themeId)).toEqual([s.themeId]);
		expect(digest?.statusChanges).toEqual([expect.objectContaining({ actionTitle: 'Eerste actie', previous: 'not_started', status: 'in_progress', by: 'Fatma Ambassadeur' })]);
		expect(digest?.openThreads).toEqual([expect.objectContaining({ id: 'th1', targetTitle: 'Tweede thema' })]);
		const later = await checkinDigest(t.db, await actor('lezer'), { planId: s.regional, since: NOW + DAY });
		expect(later?.checkins).toEqual([]);
		expect(later?.openThreads).toEqual([]);
	});
});

describe('stale themes', () => {
	it('a theme without a check-in in the two rounds that ended is stale; one that checked in is not', async () => {
		// rounds so far: 2026-Q4, 2027-Q1 (only one ended): nobody is stale yet
		let states = await themeCheckinStates(t.db, s.regional);
		expect(states.map((x) => [x.title, x.stale])).toEqual([
			['Eerste thema', false],
			['Tweede thema', false]
		]);
		await startRoundNow(t.db, { actor: await actor(s.userId), planId: s.regional, now: Date.UTC(2027, 1, 1) });
		states = await themeCheckinStates(t.db, s.regional);
		expect(states.map((x) => [x.title, x.stale])).toEqual([
			['Eerste thema', false],
			['Tweede thema', true]
		]);
		expect(states[0].lastCheckinAt).toBe(Date.UTC(2027, 0, 10));
	});

	it('a reader cannot start a round', async () => {
		expect(await startRoundNow(t.db, { actor: await actor('lezer'), planId: s.regional })).toEqual({ ok: false, reason: 'forbidden' });
	});

	it('marking read in the inbox covers check-in requests', async () => {
		const a = await actor('amb2');
		expect(await countInboxUnread(t.db, a)).toBe(1);
		await markRead(t.db, 'amb2', 'all');
		expect(await countInboxUnread(t.db, a)).toBe(0);
	});
});

describe('client-data warnings in the audit log', () => {
	it('records kind, count and source in the plan region, never text', async () => {
		resetWarningLimits();
		const a = await actor('amb');
		expect(
			await recordClientDataWarning(t.db, {
				user: { ...a, name: 'Fatma Ambassadeur' },
				report: { kind: 'bsn', count: 1, source: 'card', planId: s.regional },
				origin: '10.0.0.1'
			})
		).toBe(true);
		const row = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'client_data.warned').executeTakeFirstOrThrow();
		expect(row).toMatchObject({ actor_id: 'amb', region_id: s.regionId, object_id: s.regional, origin: '10.0.0.1' });
		expect(JSON.parse(row.detail ?? '{}')).toEqual({ kind: 'bsn', count: 1, source: 'card' });
	});

	it('does not name a plan the person cannot read', async () => {
		await recordClientDataWarning(t.db, { user: { ...(await actor('vreemd')), name: 'Vreemde' }, report: { kind: 'phone', count: 2, source: 'comment', planId: s.regional }, origin: null });
		const row = await t.db.selectFrom('audit_log').selectAll().where('actor_id', '=', 'vreemd').executeTakeFirstOrThrow();
		expect(row).toMatchObject({ region_id: null, object_id: null });
	});

	it('drops reports over the hourly limit', () => {
		resetWarningLimits();
		for (let i = 0; i < WARNINGS_PER_HOUR; i++) expect(allowWarning('u', 1000 + i)).toBe(true);
		expect(allowWarning('u', 2000)).toBe(false);
		expect(allowWarning('other', 2000)).toBe(true);
		expect(allowWarning('u', 1000 + 3_600_001)).toBe(true);
	});
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCsv, auditCsvTime, listAuditActors, listAuditEvents, pruneAuditLog, recordAudit, type AuditCsvLabels, type AuditRow } from './audit.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

/**
 * Two regions, North and South. North's members: Ada (region admin), Bo (editor
 * of a North gemeente), Cas (ambassador of a North theme). Dirk is a member of
 * South only; Eve has no role anywhere.
 */
let t: TestDatabase;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

async function user(id: string, name: string) {
	await t.db.insertInto('users').values({ id, email: `${id}@example.nl`, name, password_hash: null, color: '#1f5fa8', created_at: 0 }).execute();
	return { id, name };
}

async function ids(regionId: string | 'all', filters = {}) {
	const { rows } = await listAuditEvents(t.db, { regionId, filters, limit: 1000, offset: 0 });
	return rows.map((r) => r.objectLabel ?? `${r.action}:${r.actorName ?? '-'}`).sort();
}

let ada: { id: string; name: string };
let bo: { id: string; name: string };
let cas: { id: string; name: string };
let dirk: { id: string; name: string };
let eve: { id: string; name: string };

beforeAll(async () => {
	t = await createTestDatabase();
	const db = t.db;
	await db.insertInto('regions').values([
		{ id: 'north', slug: 'noord', name: 'Noord', centrum_municipality_id: null },
		{ id: 'south', slug: 'zuid', name: 'Zuid', centrum_municipality_id: null }
	]).execute();
	await db.insertInto('municipalities').values([
		{ id: 'n1', slug: 'n1', name: 'Noorddorp', region_id: 'north' },
		{ id: 's1', slug: 's1', name: 'Zuiddorp', region_id: 'south' }
	]).execute();
	ada = await user('ada', 'Ada Admin');
	bo = await user('bo', 'Bo Gemeente');
	cas = await user('cas', 'Cas Ambassadeur');
	dirk = await user('dirk', 'Dirk Zuid');
	eve = await user('eve', 'Eve Niemand');
	await db.insertInto('region_memberships').values([
		{ user_id: 'ada', region_id: 'north', role: 'admin' },
		{ user_id: 'dirk', region_id: 'south', role: 'viewer' }
	]).execute();
	await db.insertInto('municipality_memberships').values({ user_id: 'bo', municipality_id: 'n1', role: 'municipal_editor' }).execute();
	await db
		.insertInto('plans')
		.values({
			id: 'pn',
			slug: 'pn',
			region_id: 'north',
			municipality_id: null,
			scope: 'region',
			kind: 'uitvoeringsagenda',
			title: 'Plan Noord',
			subtitle: null,
			period_start: 2024,
			period_end: 2028,
			parent_plan_id: null,
			levels: '{}',
			theme_sections: '[]',
			card_template: '[]',
			archived_at: null,
			created_at: 0,
			updated_at: 0
		})
		.execute();
	await db.insertInto('themes').values({ id: 'tn', plan_id: 'pn', chapter_id: null, position: 1, number: '1', title: 'Thema', archived_at: null, updated_at: 0 }).execute();
	await db.insertInto('theme_ambassadors').values({ theme_id: 'tn', user_id: 'cas', municipality_id: null, organisation: null }).execute();

	const at = (days: number) => NOW - days * DAY;
	// region events
	await recordAudit(db, { action: 'export.downloaded', actor: ada, regionId: 'north', object: { type: 'plan', id: 'pn', label: 'north-export' }, at: at(1), origin: '10.0.0.1' });
	await recordAudit(db, { action: 'archive.archived', actor: ada, regionId: 'north', object: { type: 'action', id: 'x', label: 'north-archive' }, at: at(2) });
	await recordAudit(db, { action: 'export.downloaded', actor: dirk, regionId: 'south', object: { type: 'plan', id: 'ps', label: 'south-export' }, at: at(1) });
	// sign-ins, no region
	await recordAudit(db, { action: 'login', actor: ada, at: at(3), origin: '10.0.0.1' });
	await recordAudit(db, { action: 'login', actor: bo, at: at(3) });
	await recordAudit(db, { action: 'login.failed', actor: cas, result: 'failure', detail: { reason: 'wrong_password' }, at: at(4) });
	await recordAudit(db, { action: 'password.changed', actor: cas, at: at(5) });
	await recordAudit(db, { action: 'login', actor: dirk, at: at(3) });
	await recordAudit(db, { action: 'logout', actor: eve, at: at(3) });
	await recordAudit(db, { action: 'login.failed', actor: null, result: 'failure', detail: { reason: 'unknown_account' }, at: at(4) });
	// done by someone outside North to a North member's account
	await recordAudit(db, { action: 'mfa.reset', actor: dirk, object: { type: 'user', id: 'bo', label: 'mfa-reset-of-bo' }, at: at(6) });
	// an instance-wide event that is not sign-in kind, by a member: not North's
	await recordAudit(db, { action: 'region.created', actor: ada, object: { type: 'region', id: 'south', label: 'region-created' }, at: at(7) });
});
afterAll(async () => t.close());

describe('a region admin reads only their region', () => {
	it("shows the region's own rows and the sign-ins of all its members, of any role", async () => {
		expect(await ids('north')).toEqual(
			[
				'north-export',
				'north-archive',
				'login:Ada Admin',
				'login:Bo Gemeente',
				'login.failed:Cas Ambassadeur',
				'password.changed:Cas Ambassadeur',
				'mfa-reset-of-bo'
			].sort()
		);
	});

	it("never shows another region's rows, sign-ins of non-members, failures for unknown addresses or instance events", async () => {
		const north = await ids('north');
		for (const foreign of ['south-export', 'login:Dirk Zuid', 'logout:Eve Niemand', 'login.failed:-', 'region-created']) expect(north).not.toContain(foreign);
		// South sees what its member Dirk did to an account (the MFA reset), not Bo's sign-in
		expect(await ids('south')).toEqual(['login:Dirk Zuid', 'mfa-reset-of-bo', 'south-export']);
	});

	it('loses the sign-ins of someone whose role in the region ended', async () => {
		await t.db.deleteFrom('municipality_memberships').where('user_id', '=', 'bo').execute();
		try {
			const north = await ids('north');
			expect(north).not.toContain('login:Bo Gemeente');
			expect(north).not.toContain('mfa-reset-of-bo');
		} finally {
			await t.db.insertInto('municipality_memberships').values({ user_id: 'bo', municipality_id: 'n1', role: 'municipal_editor' }).execute();
		}
	});

	it('the instance admin reads every row', async () => {
		const { total } = await listAuditEvents(t.db, { regionId: 'all', limit: 1, offset: 0 });
		const count = await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		expect(total).toBe(Number(count.n));
		expect(total).toBe(12);
	});

	it('lists as people to filter on only the actors its rows show', async () => {
		expect((await listAuditActors(t.db, { regionId: 'north' })).map((a) => a.name)).toEqual(['Ada Admin', 'Bo Gemeente', 'Cas Ambassadeur', 'Dirk Zuid']);
		expect((await listAuditActors(t.db, { regionId: 'south' })).map((a) => a.name)).toEqual(['Dirk Zuid']);
	});
});

describe('filters and paging', () => {
	it('filters on an action kind (login covers login.failed) or one exact action', async () => {
		expect(await ids('north', { action: 'login' })).toEqual(['login.failed:Cas Ambassadeur', 'login:Ada Admin', 'login:Bo Gemeente']);
		expect(await ids('north', { action: 'login.failed' })).toEqual(['login.failed:Cas Ambassadeur']);
		expect(await ids('north', { action: 'export' })).toEqual(['north-export']);
		// a kind is matched whole, not as the start of a word
		expect(await ids('north', { action: 'log' })).toEqual([]);
	});

	it('filters on person, result and period (from inclusive, to exclusive)', async () => {
		expect(await ids('north', { actorId: cas.id })).toEqual(['login.failed:Cas Ambassadeur', 'password.changed:Cas Ambassadeur']);
		expect(await ids('north', { result: 'failure' })).toEqual(['login.failed:Cas Ambassadeur']);
		expect(await ids('north', { from: NOW - 3 * DAY, to: NOW - 1 * DAY })).toEqual(['login:Ada Admin', 'login:Bo Gemeente', 'north-archive']);
		expect(await ids('north', { from: NOW - 1 * DAY })).toEqual(['north-export']);
		expect(await ids('all', { actorId: eve.id, result: 'success' })).toEqual(['logout:Eve Niemand']);
	});

	it('pages newest first and counts all matches', async () => {
		const first = await listAuditEvents(t.db, { regionId: 'north', limit: 3, offset: 0 });
		const second = await listAuditEvents(t.db, { regionId: 'north', limit: 3, offset: 3 });
		expect(first.total).toBe(7);
		expect(first.rows.map((r) => r.objectLabel ?? r.action)).toEqual(['north-export', 'north-archive', 'login']);
		expect(second.rows).toHaveLength(3);
		const all = [...first.rows, ...second.rows].map((r) => r.at);
		expect(all).toEqual([...all].sort((a, b) => b - a));
		expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(6);
	});

	it('returns the detail as structured facts', async () => {
		const { rows } = await listAuditEvents(t.db, { regionId: 'north', filters: { result: 'failure' }, limit: 10, offset: 0 });
		expect(rows[0].detail).toEqual({ reason: 'wrong_password' });
		expect(rows[0].regionName).toBeNull();
	});
});

describe('retention', () => {
	it('deletes rows older than the retention period and keeps the rest', async () => {
		const before = (await listAuditEvents(t.db, { regionId: 'all', limit: 1, offset: 0 })).total;
		// older than 5.5 days: the MFA reset (6 days) and the region creation (7) go; the password change (5) stays
		expect(await pruneAuditLog(t.db, 5.5, NOW)).toBe(2);
		expect(await ids('all', { action: 'region' })).toEqual([]);
		expect(await ids('all', { action: 'password' })).toEqual(['password.changed:Cas Ambassadeur']);
		expect((await listAuditEvents(t.db, { regionId: 'all', limit: 1, offset: 0 })).total).toBe(before - 2);
		expect(await pruneAuditLog(t.db, 730, NOW)).toBe(0);
	});
});

describe('CSV', () => {
	const labels: AuditCsvLabels = {
		header: { time: 'Tijd', actor: 'Wie', action: 'Wat', object: 'Object', result: 'Resultaat', origin: 'Herkomst', region: 'Regio', detail: 'Toelichting' },
		action: (a) => (a === 'export.downloaded' ? 'Download' : a),
		object: (row) => row.objectLabel ?? '',
		result: (r) => (r === 'success' ? 'geslaagd' : 'mislukt'),
		detail: (row) => String(row.detail?.reason ?? ''),
		unknownActor: 'onbekend'
	};
	const row = (over: Partial<AuditRow>): AuditRow => ({
		id: 1,
		at: Date.UTC(2026, 6, 1, 10, 5, 9),
		actorId: 'ada',
		actorName: 'Ada Admin',
		action: 'export.downloaded',
		objectType: 'plan',
		objectId: 'pn',
		objectLabel: 'Plan; "Noord"',
		regionId: 'north',
		regionName: 'Noord',
		result: 'success',
		origin: '10.0.0.1',
		detail: null,
		...over
	});

	it('writes a BOM, semicolons, Dutch time and quotes where needed', () => {
		const csv = auditCsv([row({})], labels, { withRegion: false });
		expect(csv.startsWith('\uFEFFTijd;Wie;Wat;Object;Resultaat;Toelichting;Herkomst\r\n')).toBe(true);
		// 10:05 UTC in July is 12:05 in Amsterdam (summer time)
		expect(csv).toContain('2026-07-01 12:05:09;Ada Admin;Download;"Plan; ""Noord""";geslaagd;;10.0.0.1\r\n');
	});

	it('defuses cells a spreadsheet would run as a formula, and names the unknown actor', () => {
		const csv = auditCsv([row({ actorId: null, actorName: null, objectLabel: '=HYPERLINK("http://evil")', result: 'failure', detail: { reason: '+cmd' } })], labels, { withRegion: true });
		const line = csv.split('\r\n')[1];
		expect(line).toBe(`2026-07-01 12:05:09;onbekend;Download;"'=HYPERLINK(""http://evil"")";mislukt;'+cmd;10.0.0.1;Noord`);
		expect(csv.split('\r\n')[0]).toMatch(/;Regio$/);
	});

	it('shows winter time as well', () => {
		expect(auditCsvTime(Date.UTC(2026, 0, 15, 23, 30, 0))).toBe('2026-01-16 00:30:00');
	});
});

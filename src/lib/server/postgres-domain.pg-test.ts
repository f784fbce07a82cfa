import { expect, it } from 'vitest';
import { describeOnPostgres } from '../../../server/testing/postgres-suite.ts';
import { loadUserRoles } from './access.ts';
import { createPlan, listPlans } from './plan.ts';
import { createRegion, listRegions } from './region-admin.ts';
import { search } from './search.ts';
import { createSession, generateSessionToken, validateSessionToken } from './session.ts';
import { createUser, getUserByEmail } from './user.ts';
import { MARK_END, MARK_START } from '../search-marks.ts';

/**
 * A first walk through the domain on PostgreSQL (issue 18): an account, its
 * session, a region, a plan and a search. What does not run on PostgreSQL yet
 * is listed in docs/scaling.md, "Porting status".
 */
const policy = { idleTimeoutMs: 3_600_000, absoluteTimeoutMs: 24 * 3_600_000 };

describeOnPostgres('the domain on PostgreSQL 15', (pg) => {

	it('creates an account and signs it in with a session', async () => {
		const db = pg().database.db;
		const user = await createUser(db, { email: ' Ria@Example.NL ', name: 'Ria', password: null });
		expect(await getUserByEmail(db, 'ria@example.nl')).toMatchObject({ id: user.id, name: 'Ria' });
		const token = generateSessionToken();
		const now = Date.now();
		const session = await createSession(db, token, user.id, policy, now);
		const valid = await validateSessionToken(db, token, policy, now + 1000);
		expect(valid.user?.id).toBe(user.id);
		// millisecond times come back as numbers, as on SQLite
		expect(valid.session).toEqual(session);
		expect(typeof valid.session?.expiresAt).toBe('number');
		expect((await validateSessionToken(db, token, policy, session.absoluteExpiresAt)).session).toBeNull();
	});

	it('lets an instance admin create a region, in a transaction with its audit rows', async () => {
		const db = pg().database.db;
		const admin = await createUser(db, { email: 'beheer@example.nl', name: 'Beheer', password: null });
		await db.updateTable('users').set({ instance_admin: 1 }).where('id', '=', admin.id).execute();
		const created = await createRegion(db, { actor: admin }, { name: 'Regio Noord' });
		expect(created).toMatchObject({ ok: true, slug: 'regio-noord' });
		expect(await createRegion(db, { actor: admin }, { name: 'Regio Noord' })).toMatchObject({ ok: false });
		const regions = await listRegions(db);
		expect(regions.map((r) => r.slug)).toEqual(['regio-noord']);
		const audit = await db.selectFrom('audit_log').select(['action', 'at']).where('region_id', '=', (created as { id: string }).id).orderBy('id').execute();
		expect(audit.map((a) => a.action)).toEqual(['region.created', 'role.granted']);
		expect(typeof audit[0].at).toBe('number');
	});

	it('creates a plan that its region reads, counted as a number', async () => {
		const db = pg().database.db;
		const admin = (await getUserByEmail(db, 'beheer@example.nl'))!;
		const region = await db.selectFrom('regions').select('id').where('slug', '=', 'regio-noord').executeTakeFirstOrThrow();
		// the plan's Yjs document goes to the collaboration store, which is SQLite-only so far: recorded here
		const documents: string[] = [];
		const planId = await createPlan(
			db,
			{ regionId: region.id, municipalityId: null, kind: 'uitvoeringsagenda', title: 'Financiële zekerheid', periodStart: 2026, periodEnd: 2029, themeWord: 'thema' },
			(name) => documents.push(name)
		);
		expect(documents).toEqual([`plan:${planId}`]);
		const plans = await listPlans(db, await loadUserRoles(db, admin.id));
		expect(plans).toMatchObject([{ id: planId, title: 'Financiële zekerheid', actionCount: 0 }]);
		const outsider = await createUser(db, { email: 'buiten@example.nl', name: 'Buiten', password: null });
		expect(await listPlans(db, await loadUserRoles(db, outsider.id))).toEqual([]);
	});

	it('finds the plan by a word prefix without its accents, marked', async () => {
		const db = pg().database.db;
		const admin = (await getUserByEmail(db, 'beheer@example.nl'))!;
		const hits = await search(db, await loadUserRoles(db, admin.id), 'financiele zeker');
		expect(hits).toHaveLength(1);
		expect(hits[0]).toMatchObject({ kind: 'plan', planTitle: 'Financiële zekerheid' });
		expect(hits[0].title).toBe(`${MARK_START}Financiële${MARK_END} ${MARK_START}zekerheid${MARK_END}`);
		const outsider = (await getUserByEmail(db, 'buiten@example.nl'))!;
		expect(await search(db, await loadUserRoles(db, outsider.id), 'financiele')).toEqual([]);
	});
});

import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { META } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import { loadUserRoles, type UserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import {
	NOTE_MAX,
	checkNote,
	clearFlag,
	getActionReports,
	getCarriedOut,
	getLocalMatrix,
	getNextYear,
	isReported,
	listPlanReports,
	saveReport
} from './local-report.ts';
import { getPlan, type PlanRow } from './plan.ts';
import { closeCycle, createCycle, cycleActions, getCycle, openCycle, recordDecision, type CloseEnv } from './review.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

describe('note and reported rules', () => {
	it('trims a note and refuses one over the maximum', () => {
		expect(checkNote('  Gestart met de werving.  ')).toEqual({ ok: true, value: 'Gestart met de werving.' });
		expect(checkNote('a'.repeat(NOTE_MAX))).toMatchObject({ ok: true });
		expect(checkNote('a'.repeat(NOTE_MAX + 1))).toEqual({ ok: false, error: 'note_too_long' });
	});

	it('counts a row made with the action as not reported, anything touched as reported', () => {
		expect(isReported({ status: 'not_started', note: '', updated_by: null })).toBe(false);
		expect(isReported({ status: 'not_started', note: '', updated_by: 'u1' })).toBe(true);
		expect(isReported({ status: 'in_progress', note: '', updated_by: null })).toBe(true);
		expect(isReported({ status: 'not_started', note: 'Loopt', updated_by: null })).toBe(true);
	});
});

describe('local reporting on the Arnhem-Achterhoek plan', () => {
	let t: TestDatabase;
	let plan: PlanRow;
	let localPlan: PlanRow;
	let arnhem: { id: string; name: string };
	let doetinchem: { id: string };
	let localActionId: string;
	let regionalActionId: string;
	const users: Record<string, { id: string; roles: UserRoles }> = {};
	const docs = new Map<string, Uint8Array>();
	const env: CloseEnv = {
		createDocument: (name, update) => void docs.set(name, update),
		readDocument: async (name) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc())
	};

	beforeAll(async () => {
		t = await createTestDatabase();
		await seedDemo(t.db, DEMO_DIR, env.createDocument);
		const planId = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'arnhem-achterhoek-samen-veilig-2019-2022').executeTakeFirstOrThrow()).id;
		plan = (await getPlan(t.db, planId))!;
		const localId = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'arnhem-uitvoeringsplan-2024-2028').executeTakeFirstOrThrow()).id;
		localPlan = (await getPlan(t.db, localId))!;
		arnhem = await t.db.selectFrom('municipalities').select(['id', 'name']).where('slug', '=', 'arnhem').executeTakeFirstOrThrow();
		doetinchem = await t.db.selectFrom('municipalities').select(['id']).where('slug', '=', 'doetinchem').executeTakeFirstOrThrow();
		localActionId = (await t.db.selectFrom('actions').select('id').where('plan_id', '=', planId).where('level', '=', 'local').orderBy('position').executeTakeFirstOrThrow()).id;
		regionalActionId = (await t.db.selectFrom('actions').select('id').where('plan_id', '=', planId).where('level', '=', 'regional').executeTakeFirstOrThrow()).id;
		for (const [key, email] of Object.entries({
			arnhem: 'arnhem@kring.example',
			doetinchem: 'doetinchem@kring.example',
			admin: 'beheerder@kring.example',
			reader: 'lezer@kring.example',
			editor: 'werkgroep@kring.example'
		})) {
			const id = (await t.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
			users[key] = { id, roles: await loadUserRoles(t.db, id) };
		}
	});
	afterAll(async () => t.close());

	const report = (who: string, input: { municipalityId: string; status?: 'in_progress' | 'done' | 'at_risk'; note?: string; actionId?: string; planId?: string }) =>
		saveReport(t.db, users[who].roles, {
			planId: input.planId ?? plan.id,
			actionId: input.actionId ?? localActionId,
			municipalityId: input.municipalityId,
			status: input.status ?? 'in_progress',
			note: input.note,
			userId: users[who].id
		});

	it("lets Arnhem's editor write Arnhem's status and note, with its author and date", async () => {
		const before = Date.now();
		const saved = await report('arnhem', { municipalityId: arnhem.id, status: 'in_progress', note: '  Werving gestart in Arnhem-Zuid. ' });
		expect(saved).toMatchObject({ ok: true, municipalityName: 'Arnhem', changed: true });
		const card = (await getActionReports(t.db, localActionId, users.arnhem.roles))!;
		const mine = card.reports.find((r) => r.municipalityId === arnhem.id)!;
		expect(mine).toMatchObject({ status: 'in_progress', note: 'Werving gestart in Arnhem-Zuid.', noteAuthor: 'Ruben Mulder', canEdit: true });
		expect(mine.noteUpdatedAt).toBeGreaterThanOrEqual(before);
		expect(card.reports.find((r) => r.municipalityId === doetinchem.id)?.canEdit).toBe(false);
	});

	it("refuses Arnhem's editor on Doetinchem, a reader and a werkgroeplid, and changes nothing", async () => {
		for (const who of ['arnhem', 'reader', 'editor']) {
			expect(await report(who, { municipalityId: doetinchem.id, note: 'Vervalst' })).toEqual({ ok: false, error: 'forbidden' });
		}
		const row = await t.db.selectFrom('local_adoptions').select(['note']).where('action_id', '=', localActionId).where('municipality_id', '=', doetinchem.id).executeTakeFirstOrThrow();
		expect(row.note).toBe('');
	});

	it('lets a region admin write for any gemeente', async () => {
		expect(await report('admin', { municipalityId: doetinchem.id, status: 'at_risk', note: 'Capaciteit ontbreekt' })).toMatchObject({ ok: true });
	});

	it('refuses a too long note, a regional action and an action of another plan', async () => {
		expect(await report('arnhem', { municipalityId: arnhem.id, note: 'x'.repeat(NOTE_MAX + 1) })).toEqual({ ok: false, error: 'note_too_long' });
		expect(await report('arnhem', { municipalityId: arnhem.id, actionId: regionalActionId })).toEqual({ ok: false, error: 'not_local' });
		expect(await report('arnhem', { municipalityId: arnhem.id, planId: localPlan.id })).toEqual({ ok: false, error: 'not_found' });
		const row = await t.db.selectFrom('local_adoptions').select(['note']).where('action_id', '=', localActionId).where('municipality_id', '=', arnhem.id).executeTakeFirstOrThrow();
		expect(row.note).toBe('Werving gestart in Arnhem-Zuid.');
	});

	it("keeps the note's author when someone else only changes the status", async () => {
		expect(await report('admin', { municipalityId: arnhem.id, status: 'done' })).toMatchObject({ ok: true, changed: true });
		const mine = (await getActionReports(t.db, localActionId, users.reader.roles))!.reports.find((r) => r.municipalityId === arnhem.id)!;
		expect(mine).toMatchObject({ status: 'done', note: 'Werving gestart in Arnhem-Zuid.', noteAuthor: 'Ruben Mulder', canEdit: false });
	});

	it('lists every gemeente of the region per local action, null where it has not reported', async () => {
		const reports = await listPlanReports(t.db, plan, users.reader.roles);
		const municipalityCount = (await t.db.selectFrom('municipalities').select('id').where('region_id', '=', plan.regionId).execute()).length;
		expect(reports.size).toBeGreaterThan(1);
		for (const list of reports.values()) expect(list).toHaveLength(municipalityCount);
		// a fresh local action: nobody reported yet
		const fresh = (await t.db.selectFrom('local_adoptions').select('action_id').where('status', '=', 'not_started').where('updated_by', 'is', null).where('note', '=', '').executeTakeFirstOrThrow()).action_id;
		const quiet = reports.get(fresh)!.find((r) => r.status === null)!;
		expect(quiet).toMatchObject({ status: null, note: null, updatedAt: null });
		expect(reports.get(localActionId)!.find((r) => r.municipalityId === arnhem.id)).toMatchObject({ status: 'done', note: 'Werving gestart in Arnhem-Zuid.' });
		expect(reports.has(regionalActionId)).toBe(false);
	});

	it('shows the same reports in the matrix', async () => {
		const matrix = await getLocalMatrix(t.db, plan, users.arnhem.roles);
		expect(matrix.municipalities.find((mu) => mu.id === arnhem.id)?.canEdit).toBe(true);
		const row = matrix.rows.find((r) => r.actionId === localActionId)!;
		expect(row.reports.find((r) => r.municipalityId === arnhem.id)?.note).toBe('Werving gestart in Arnhem-Zuid.');
	});

	it("shows Arnhem's local plan the regional local actions it carries out, with Arnhem's own status", async () => {
		const carried = (await getCarriedOut(t.db, localPlan, users.arnhem.roles))!;
		expect(carried.parent.id).toBe(plan.id);
		expect(carried.municipality.name).toBe('Arnhem');
		expect(carried.actions.find((a) => a.actionId === localActionId)?.report).toMatchObject({ status: 'done', canEdit: true });
		expect(await getCarriedOut(t.db, plan, users.arnhem.roles)).toBeNull();
	});

	it('flags a strengthened action until an editor clears it, and links a renewed one to its successor with its text', async () => {
		const kennemerland = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'kennemerland-actieprogramma-2021-2024').executeTakeFirstOrThrow()).id;
		const cycleId = await createCycle(t.db, { planId: kennemerland, year: 2025, title: 'Evaluatie 2025', facilitatorId: users.admin.id, sessionDate: null, prepDeadline: null, createdBy: users.admin.id });
		await openCycle(t.db, cycleId);
		const [strengthened, renewed] = await cycleActions(t.db, (await getCycle(t.db, cycleId))!);
		await recordDecision(t.db, { cycleId, actionId: strengthened.id, verdict: 'strengthen', decisionText: 'Doelgroep scherper', userId: users.admin.id });
		await recordDecision(t.db, { cycleId, actionId: renewed.id, verdict: 'renew', decisionText: 'Nieuwe opzet', userId: users.admin.id });
		const closed = await closeCycle(t.db, env, { cycleId, userId: users.admin.id, confirmDeferred: true, label: 'Versie 2025', adoptedAt: Date.now() });
		expect(closed.ok).toBe(true);

		const flagged = (await getNextYear(t.db, strengthened.id, users.admin.roles))!;
		expect(flagged.flag).toMatchObject({ reason: 'Doelgroep scherper', cycleId, cycleTitle: 'Evaluatie 2025' });
		expect(flagged.canClear).toBe(true);
		expect((await getNextYear(t.db, strengthened.id, users.reader.roles))!.canClear).toBe(false);

		expect(await clearFlag(t.db, users.reader.roles, { planId: kennemerland, actionId: strengthened.id, userId: users.reader.id })).toEqual({ ok: false, error: 'forbidden' });
		expect((await getNextYear(t.db, strengthened.id, users.admin.roles))!.flag).not.toBeNull();
		expect(await clearFlag(t.db, users.admin.roles, { planId: kennemerland, actionId: strengthened.id, userId: users.admin.id })).toMatchObject({ ok: true });
		expect((await getNextYear(t.db, strengthened.id, users.admin.roles))!.flag).toBeNull();
		expect(await clearFlag(t.db, users.admin.roles, { planId: kennemerland, actionId: strengthened.id, userId: users.admin.id })).toEqual({ ok: false, error: 'not_flagged' });

		const successor = (await getNextYear(t.db, renewed.id, users.reader.roles))!.successor!;
		expect(successor).toMatchObject({ title: renewed.title, archived: false });
		const back = (await getNextYear(t.db, successor.id, users.reader.roles))!;
		expect(back.predecessor).toMatchObject({ id: renewed.id, archived: true });
		// the successor's document starts from the predecessor's, status reset
		const copy = new Y.Doc();
		Y.applyUpdate(copy, docs.get(docName({ kind: 'action', id: successor.id }))!);
		const original = new Y.Doc();
		Y.applyUpdate(original, docs.get(docName({ kind: 'action', id: renewed.id }))!);
		const fieldKey = (await getPlan(t.db, kennemerland))!.cardTemplate[0].key;
		expect(copy.getXmlFragment(fieldKey).toString()).toBe(original.getXmlFragment(fieldKey).toString());
		expect(copy.getXmlFragment(fieldKey).toString().length).toBeGreaterThan(0);
		expect(copy.getMap(META).get('status')).toBe('not_started');
		const rows = await t.db.selectFrom('actions').select(['id', 'text', 'planning_start']).where('id', 'in', [renewed.id, successor.id]).execute();
		expect(rows.find((r) => r.id === successor.id)?.text).toBe(rows.find((r) => r.id === renewed.id)?.text);
		expect(rows.find((r) => r.id === successor.id)?.planning_start).toBe(rows.find((r) => r.id === renewed.id)?.planning_start);
	});
});

import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { META, PLAN_INTRO } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import { seedDemo } from './demo.ts';
import { projectDocument } from './projection.ts';
import { createTestDatabase, onSqlite, type TestDatabase } from './test-db.ts';

/**
 * The projection writes only what changed: a document whose projection the
 * row already holds is not written at all (updated_at stays, the search
 * triggers do not fire), and a change of the status alone does not rewrite
 * the row's search entry.
 */

let t: TestDatabase;
const docs = new Map<string, Uint8Array>();

beforeAll(async () => {
	if (!onSqlite) return;
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, (name, update) => docs.set(name, update));
	// counts the writes that fire the search triggers (UPDATE OF title/text/intro_text on the three tables)
	t.sqlite.exec('CREATE TEMP TABLE search_fired (n INTEGER)');
	for (const [table, columns] of [
		['actions', 'title, text, archived_at'],
		['themes', 'title, number, text, archived_at'],
		['plans', 'title, subtitle, intro_text, archived_at']
	]) {
		t.sqlite.exec(`CREATE TEMP TRIGGER count_${table} AFTER UPDATE OF ${columns} ON main.${table} BEGIN INSERT INTO search_fired VALUES (1); END`);
	}
});
afterAll(async () => t?.close());

const fired = () => (t.sqlite.prepare('SELECT count(*) FROM search_fired').pluck().get() as number);

function loaded(name: string): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, docs.get(name)!);
	return doc;
}

// counts trigger firings with SQLite TEMP triggers
describe.skipIf(!onSqlite)('projection writes only what changed', () => {
	it('leaves an action, a theme and a plan alone when their documents project to what the rows hold', async () => {
		const action = await t.db.selectFrom('actions').select(['id', 'plan_id', 'theme_id']).orderBy('id').executeTakeFirstOrThrow();
		const refs = [
			{ kind: 'action' as const, id: action.id },
			{ kind: 'theme' as const, id: action.theme_id },
			{ kind: 'plan' as const, id: action.plan_id }
		];
		// bring the rows up to date once, then mark them
		for (const ref of refs) await projectDocument(t.db, ref, action.plan_id, loaded(docName(ref)));
		await t.db.updateTable('actions').set({ updated_at: 1 }).where('id', '=', action.id).execute();
		await t.db.updateTable('themes').set({ updated_at: 1 }).where('id', '=', action.theme_id).execute();
		await t.db.updateTable('plans').set({ updated_at: 1 }).where('id', '=', action.plan_id).execute();
		const before = fired();
		for (const ref of refs) expect(await projectDocument(t.db, ref, action.plan_id, loaded(docName(ref)))).toBe('unchanged');
		expect(fired()).toBe(before);
		expect((await t.db.selectFrom('actions').select('updated_at').where('id', '=', action.id).executeTakeFirstOrThrow()).updated_at).toBe(1);
		expect((await t.db.selectFrom('themes').select('updated_at').where('id', '=', action.theme_id).executeTakeFirstOrThrow()).updated_at).toBe(1);
		expect((await t.db.selectFrom('plans').select('updated_at').where('id', '=', action.plan_id).executeTakeFirstOrThrow()).updated_at).toBe(1);

		// a changed intro is written, and fires the triggers once
		const plan = loaded(docName(refs[2]));
		plan.getXmlFragment(PLAN_INTRO).insert(0, [new Y.XmlText('Nieuw begin. ')]);
		expect(await projectDocument(t.db, refs[2], action.plan_id, plan)).toBe('text');
		expect(fired()).toBe(before + 1);
		expect((await t.db.selectFrom('plans').select('intro_text').where('id', '=', action.plan_id).executeTakeFirstOrThrow()).intro_text).toContain('Nieuw begin.');
	});

	it('writes a new status without rewriting the search entry, and tells that a visible field changed', async () => {
		const action = await t.db.selectFrom('actions').select(['id', 'plan_id']).orderBy('id', 'desc').executeTakeFirstOrThrow();
		const ref = { kind: 'action' as const, id: action.id };
		const doc = loaded(docName(ref));
		await projectDocument(t.db, ref, action.plan_id, doc);
		const before = fired();
		// demo ids are random, so the action picked may already be at risk
		const next = doc.getMap(META).get('status') === 'at_risk' ? 'in_progress' : 'at_risk';
		doc.getMap(META).set('status', next);
		expect(await projectDocument(t.db, ref, action.plan_id, doc)).toBe('visible');
		expect(fired()).toBe(before);
		expect((await t.db.selectFrom('actions').select('status').where('id', '=', action.id).executeTakeFirstOrThrow()).status).toBe(next);
	});
});

import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { docName } from '../doc-name.ts';
import { diffPlans } from '../review-diff.ts';
import { seedDemo } from './demo.ts';
import { writeBlocks } from './rich-text.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getVersion, insertVersion, listVersions, takeSnapshot, withoutStates } from './version.ts';

describe('plan versions', () => {
	let t: TestDatabase;
	let planId: string;
	let userId: string;
	let fieldKey: string;
	const docs = new Map<string, Uint8Array>();
	const readDocument = async (name: string) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc());

	beforeAll(async () => {
		t = await createTestDatabase();
		await seedDemo(t.db, DEMO_DIR, (name, update) => void docs.set(name, update));
		const plan = await t.db.selectFrom('plans').select(['id', 'card_template']).where('slug', '=', 'kennemerland-actieprogramma-2021-2024').executeTakeFirstOrThrow();
		planId = plan.id;
		fieldKey = (JSON.parse(plan.card_template) as { key: string }[])[0].key;
		userId = (await t.db.selectFrom('users').select('id').where('email', '=', 'beheerder@kring.example').executeTakeFirstOrThrow()).id;
	});
	afterAll(async () => t.close());

	it('freezes every action with its field text and Yjs state, and never changes after the live plan does', async () => {
		const snapshot = (await takeSnapshot(t.db, planId, readDocument, { withState: true }))!;
		const action = snapshot.themes.flatMap((th) => th.actions)[0];
		expect(action.state).toMatch(/^[A-Za-z0-9+/]+=*$/);
		const versionId = await insertVersion(t.db, { planId, cycleId: null, label: 'Versie test', adoptedAt: Date.UTC(2025, 2, 12), snapshot, createdBy: userId });

		// The live plan changes afterwards: new text in the action's first field.
		const name = docName({ kind: 'action', id: action.id });
		const doc = new Y.Doc();
		Y.applyUpdate(doc, docs.get(name)!);
		const fragment = doc.getXmlFragment(fieldKey);
		fragment.delete(0, fragment.length);
		writeBlocks(fragment, [{ type: 'paragraph', text: 'Nieuwe tekst na de vaststelling' }]);
		docs.set(name, Y.encodeStateAsUpdate(doc));

		const stored = (await getVersion(t.db, versionId))!;
		expect(stored.snapshot).toEqual(snapshot);
		expect((await listVersions(t.db, planId)).map((v) => v.id)).toContain(versionId);

		const live = (await takeSnapshot(t.db, planId, readDocument, { withState: false }))!;
		expect(live.themes[0].actions[0].state).toBeUndefined();
		const diff = diffPlans(stored.snapshot, live);
		const changed = diff.themes.flatMap((th) => th.actions).find((a) => a.id === action.id)!;
		expect(changed.change).toBe('changed');
		expect(changed.fields[0].parts.some((p) => p.kind === 'added' && p.text.includes('Nieuwe'))).toBe(true);
		expect(diff.counts.changed).toBe(1);
	});

	it('leaves the Yjs states out of what pages and the API show', async () => {
		const snapshot = (await takeSnapshot(t.db, planId, readDocument, { withState: true }))!;
		const shown = withoutStates(snapshot);
		expect(shown.plan.state).toBeUndefined();
		expect(shown.themes.every((th) => th.state === undefined && th.actions.every((a) => a.state === undefined))).toBe(true);
	});
});

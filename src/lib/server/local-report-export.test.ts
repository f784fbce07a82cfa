import ExcelJS from 'exceljs';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { docName } from '../doc-name.ts';
import { exportWords } from '../export-words.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { visibleCardTexts } from './export.ts';
import { getPlan, type FieldDef } from './plan.ts';
import { buildPlanDocument, buildVersionDocument } from './plan-document.ts';
import { renderPlanXlsx } from './plan-xlsx.ts';
import { fragmentText } from './rich-text.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { takeSnapshot } from './version.ts';

/** Exports leave out the card fields the plan's card template hides; the documents keep their text. */
describe('exports without hidden card fields', () => {
	let t: TestDatabase;
	let planId: string;
	let hidden: FieldDef;
	const docs = new Map<string, Uint8Array>();
	const readDocument = async (name: string) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc());
	/** the hidden field's text on the first card that has some */
	let hiddenText = '';

	beforeAll(async () => {
		t = await createTestDatabase();
		await seedDemo(t.db, DEMO_DIR, (name, update) => docs.set(name, update));
		planId = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'arnhem-uitvoeringsplan-2024-2028').executeTakeFirstOrThrow()).id;
		const plan = (await getPlan(t.db, planId))!;
		hidden = plan.cardTemplate[0];
		await t.db
			.updateTable('plans')
			.set({ card_template: JSON.stringify(plan.cardTemplate.map((f, i) => (i === 0 ? { ...f, hidden: true } : f))) })
			.where('id', '=', planId)
			.execute();
		const actions = await t.db.selectFrom('actions').select('id').where('plan_id', '=', planId).execute();
		for (const a of actions) {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, docs.get(docName({ kind: 'action', id: a.id }))!);
			hiddenText = fragmentText(doc.getXmlFragment(hidden.key));
			doc.destroy();
			if (hiddenText.length > 20) break;
		}
	});
	afterAll(async () => t.close());

	it('has a hidden field with text to leave out (the test can fail)', () => {
		expect(hiddenText.length).toBeGreaterThan(20);
	});

	it('leaves the hidden field out of the plan document (Word, PDF, Excel) but keeps the others', async () => {
		const reader = (await t.db.selectFrom('users').select('id').where('email', '=', 'lezer@kring.example').executeTakeFirstOrThrow()).id;
		const doc = (await buildPlanDocument(t.db, planId, await loadUserRoles(t.db, reader), readDocument))!;
		expect(doc.cardTemplate.map((f) => f.key)).not.toContain(hidden.key);
		expect(doc.cardTemplate.length).toBeGreaterThan(0);
		const actions = doc.chapters.flatMap((c) => c.themes.flatMap((th) => [...th.regional, ...th.local]));
		expect(actions.length).toBeGreaterThan(0);
		for (const a of actions) expect(a.fields.map((f) => f.key)).not.toContain(hidden.key);
		const roles = await loadUserRoles(t.db, reader);
		const book = new ExcelJS.Workbook();
		await book.xlsx.load((await renderPlanXlsx(t.db, doc, roles, exportWords())) as unknown as ArrayBuffer);
		const headers = (book.worksheets[0].getRow(1).values as unknown[]).map(String);
		expect(headers).toContain(doc.cardTemplate[0].label);
		expect(headers).not.toContain(hidden.label);
	});

	it("leaves the hidden field's text out of the CSV text column", async () => {
		const plan = (await getPlan(t.db, planId))!;
		const texts = [...(await visibleCardTexts(t.db, plan, readDocument)).values()].join('\n');
		expect(texts.length).toBeGreaterThan(0);
		expect(texts).not.toContain(hiddenText);
		// the projected text (search) still has it: hiding never deletes text
		const projected = (await t.db.selectFrom('actions').select('text').where('plan_id', '=', planId).execute()).map((r) => r.text).join('\n');
		expect(projected).toContain(hiddenText);
	});

	it("leaves the field hidden when the version was frozen out of the version's content", async () => {
		const snapshot = (await takeSnapshot(t.db, planId, readDocument, { withState: true }))!;
		expect(snapshot.cardTemplate.find((f) => f.key === hidden.key)).toMatchObject({ hidden: true });
		const doc = (await buildVersionDocument(t.db, { id: 'v1', label: 'Versie', adoptedAt: Date.now(), snapshot }))!;
		expect(doc.cardTemplate.map((f) => f.key)).not.toContain(hidden.key);
		for (const a of doc.chapters.flatMap((c) => c.themes.flatMap((th) => [...th.regional, ...th.local]))) {
			expect(a.fields.map((f) => f.key)).not.toContain(hidden.key);
		}
	});
});

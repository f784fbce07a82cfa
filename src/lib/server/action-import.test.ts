import ExcelJS from 'exceljs';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { createImportedActions, guessMapping, parseCsv, previewActionImport, readActionTable, TableRefused, type ActionMapping } from './action-import.ts';
import { seedDemo } from './demo.ts';
import { getPlan } from './plan.ts';
import { fragmentText } from './rich-text.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
const docs = new Map<string, Uint8Array>();
const enc = (s: string) => new TextEncoder().encode(s);

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, (name, update) => docs.set(name, update));
});
afterAll(async () => t.close());

async function plan() {
	const id = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'noord-oost-gelderland-uitvoeringsagenda-2024-2028').executeTakeFirstOrThrow()).id;
	const row = (await getPlan(t.db, id))!;
	const themes = await t.db.selectFrom('themes').select(['id', 'number', 'title']).where('plan_id', '=', id).where('archived_at', 'is', null).orderBy('position').execute();
	return { id, row, themes };
}

describe('reading a table of actions', () => {
	it('reads CSV with ; or , and quoted cells with new lines', () => {
		expect(parseCsv('Titel;Thema\r\n"Een; twee";"regel 1\nregel ""2"""\n')).toEqual([
			['Titel', 'Thema'],
			['Een; twee', 'regel 1\nregel "2"']
		]);
		expect(parseCsv('\uFEFFa,b\n1,2')).toEqual([
			['a', 'b'],
			['1', '2']
		]);
	});

	it('reads the first sheet of an XLSX', async () => {
		const book = new ExcelJS.Workbook();
		const sheet = book.addWorksheet('Acties');
		sheet.addRow(['Titel', 'Thema', 'Kosten']);
		sheet.addRow(['Scholing', 'Sterke lokale teams', 1500]);
		const table = await readActionTable(new Uint8Array(await book.xlsx.writeBuffer()));
		expect(table).toEqual({ headers: ['Titel', 'Thema', 'Kosten'], rows: [['Scholing', 'Sterke lokale teams', '1500']] });
	});

	it('refuses an empty file, a PDF, a Word file, a corrupt zip and a header without rows', async () => {
		const reason = (p: Promise<unknown>) => p.then(() => 'read', (e) => (e instanceof TableRefused ? e.reason : String(e)));
		expect(await reason(readActionTable(new Uint8Array()))).toBe('empty');
		expect(await reason(readActionTable(enc('%PDF-1.7\u0000\u0001binary')))).toBe('not_table');
		expect(await reason(readActionTable(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])))).toBe('corrupt');
		expect(await reason(readActionTable(enc('Titel;Thema\n')))).toBe('no_header');
	});
});

describe('importing actions into a plan', () => {
	it('guesses the mapping from the headers, previews row by row and creates the good rows in one go', async () => {
		const { id, row, themes } = await plan();
		const field = row.cardTemplate[0];
		const csv = `Titel;Thema;Niveau;Status;${field.label}\nNieuwe scholing;${themes[0].title};lokaal;In uitvoering;"Eerste regel\n- punt een\n- punt twee"\n;${themes[0].title};;;\nOnbekend thema;Bestaat niet;regionaal;;\n`;
		const table = await readActionTable(enc(csv));
		const guessed = guessMapping(table.headers, row.cardTemplate, row.levels);
		expect(guessed).toMatchObject({ title: 0, theme: 1, level: 2, status: 3, fields: { [field.key]: 4 } });
		const mapping: ActionMapping = { ...guessed, defaultThemeId: null, defaultLevel: 'regional' };
		const preview = previewActionImport(table, mapping, themes, row.cardTemplate);
		expect(preview.map((r) => r.problems)).toEqual([[], ['no_title'], ['unknown_theme']]);
		expect(preview[0]).toMatchObject({ line: 2, title: 'Nieuwe scholing', themeId: themes[0].id, level: 'local', status: 'in_progress' });

		const before = await t.db.selectFrom('actions').select('id').where('plan_id', '=', id).execute();
		const ids = await createImportedActions(t.db, { planId: id, rows: preview, cardTemplate: row.cardTemplate }, (name, update) => docs.set(name, update));
		expect(ids).toHaveLength(1);
		const after = await t.db.selectFrom('actions').select('id').where('plan_id', '=', id).execute();
		expect(after.length).toBe(before.length + 1);
		const created = await t.db.selectFrom('actions').selectAll().where('id', '=', ids[0]).executeTakeFirstOrThrow();
		expect(created).toMatchObject({ title: 'Nieuwe scholing', level: 'local', status: 'in_progress', theme_id: themes[0].id });
		const doc = new Y.Doc();
		Y.applyUpdate(doc, docs.get(`action:${ids[0]}`)!);
		expect(fragmentText(doc.getXmlFragment(field.key))).toBe('Eerste regel\npunt een\npunt twee');
		expect(doc.getXmlFragment(field.key).toArray().map((n) => (n as Y.XmlElement).nodeName)).toEqual(['paragraph', 'bulletList']);
		const adoptions = await t.db.selectFrom('local_adoptions').select('municipality_id').where('action_id', '=', ids[0]).execute();
		expect(adoptions.length).toBeGreaterThan(0);
	});

	it('uses the chosen theme and level for rows that name none', async () => {
		const { row, themes } = await plan();
		const table = await readActionTable(enc('Actie\nZonder thema\n'));
		const preview = previewActionImport(table, { title: 0, theme: -1, level: -1, status: -1, fields: {}, defaultThemeId: themes[1].id, defaultLevel: 'regional' }, themes, row.cardTemplate);
		expect(preview[0]).toMatchObject({ themeId: themes[1].id, level: 'regional', problems: [] });
	});
});

import mammoth from 'mammoth';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { exportWords } from '../export-words.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { themeHeading } from './export-format.ts';
import { buildPlanDocument, type PlanDocument } from './plan-document.ts';
import { renderPlanDocx } from './plan-docx.ts';
import { richPlainText } from './rich-doc.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getUserByEmail } from './user.ts';
import { readWordPlan, toPreview, type ImportPreview } from './word-import.ts';

/**
 * Round trip: every demo plan exported to Word and read back by the Word
 * import gives the same chapters, themes, actions and card field texts. The
 * DOCX is also read by mammoth (another library than the one that wrote it)
 * for its headings, tables and text.
 */

let t: TestDatabase;
const docs = new Map<string, Uint8Array>();
const readDocument = async (name: string) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc());
const words = exportWords();
const plans: { slug: string; doc: PlanDocument; docx: Buffer }[] = [];

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, (name, update) => docs.set(name, update));
	const admin = await loadUserRoles(t.db, (await getUserByEmail(t.db, 'beheerder@kring.example'))!.id);
	const rows = await t.db.selectFrom('plans').select(['id', 'slug']).where('archived_at', 'is', null).orderBy('slug').execute();
	for (const row of rows) {
		const doc = await buildPlanDocument(t.db, row.id, admin, readDocument);
		if (doc) plans.push({ slug: row.slug, doc, docx: await renderPlanDocx(doc, words) });
	}
}, 120_000);
afterAll(async () => t.close());

/** Plain text as the import gives it: one line per block, spaces tidied. */
function norm(text: string): string {
	return text
		.split('\n')
		.map((line) => line.replace(/\s+/g, ' ').trim())
		.filter(Boolean)
		.join('\n');
}

/** "1. Titel" and "1 Titel" are the same theme heading. */
function numbered(heading: string): string {
	return heading.replace(/^(\d+(?:\.\d+)*)\.?\s+/, '$1 ');
}

function expected(doc: PlanDocument) {
	return doc.chapters.map((c) => ({
		title: c.title.trim() || null,
		themes: c.themes.map((th) => ({
			title: numbered(themeHeading(th)),
			actions: [...th.regional, ...th.local].map((a) => ({
				title: a.title,
				level: a.level,
				fields: Object.fromEntries(a.fields.filter((f) => richPlainText(f.rich).trim()).map((f) => [f.label, norm(richPlainText(f.rich))]))
			}))
		}))
	}));
}

function actual(preview: ImportPreview, doc: PlanDocument) {
	const labels = new Set(doc.cardTemplate.map((f) => f.label));
	return preview.chapters.map((c) => ({
		title: c.title,
		themes: c.themes.map((th) => ({
			title: numbered(th.title),
			actions: th.actions.map((a) => ({
				title: a.title,
				level: a.level,
				fields: Object.fromEntries(Object.entries(a.fields).filter(([label, text]) => labels.has(label) && text.trim()).map(([label, text]) => [label, norm(text)]))
			}))
		}))
	}));
}

describe('a demo plan exported to Word and imported again', () => {
	it('covers every demo plan', () => {
		expect(plans.length).toBeGreaterThanOrEqual(3);
	});

	it('gives the same chapters, themes, actions and field texts', async () => {
		for (const { slug, doc, docx } of plans) {
			const parsed = await readWordPlan(new Uint8Array(docx), { fileName: `${slug}.docx` });
			expect(parsed.title, slug).toBe(doc.title);
			expect(actual(toPreview(parsed), doc), slug).toEqual(expected(doc));
		}
	});

	it('reads with mammoth as Word headings, tables and text', async () => {
		for (const { slug, doc, docx } of plans) {
			const { value: html } = await mammoth.convertToHtml({ buffer: docx });
			const named = doc.chapters.filter((c) => c.title.trim());
			const themeLevel = named.length ? 2 : 1;
			for (const chapter of named) expect(html, slug).toMatch(new RegExp(`<h1>(<a id="[^"]+"></a>)*${escape(chapter.title)}</h1>`));
			for (const theme of doc.chapters.flatMap((c) => c.themes)) {
				expect(html, slug).toMatch(new RegExp(`<h${themeLevel}>(<a id="[^"]+"></a>)*${escape(themeHeading(theme))}</h${themeLevel}>`));
			}
			const actions = doc.chapters.flatMap((c) => c.themes.flatMap((th) => [...th.regional, ...th.local]));
			if (actions.length) expect(html, slug).toContain('<table>');
			const { value: text } = await mammoth.extractRawText({ buffer: docx });
			for (const a of actions) expect(text, slug).toContain(a.title);
		}
	});
});

function escape(text: string): string {
	return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

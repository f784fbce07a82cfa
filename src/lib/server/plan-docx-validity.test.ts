import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { exportWords } from '../export-words.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { buildPlanDocument } from './plan-document.ts';
import { renderPlanDocx } from './plan-docx.ts';
import { convertDocx, findSoffice } from './plan-odt.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getUserByEmail } from './user.ts';

/**
 * A DOCX opens in Word without a repair prompt when its XML keeps the rules
 * Word is strict about (Word repairs silently-tolerant LibreOffice does not
 * catch): unique bookmark ids with a start and an end each, unique drawing
 * ids, every relationship target present, every style a paragraph names
 * defined. And it opens in LibreOffice: converted headless, it gives a PDF
 * with the plan's text (skipped, with the reason, where LibreOffice is absent).
 */

let t: TestDatabase;
const docs = new Map<string, Uint8Array>();
const readDocument = async (name: string) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc());
const files: { slug: string; title: string; docx: Buffer }[] = [];
const soffice = findSoffice(process.env);

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, (name, update) => docs.set(name, update));
	const admin = await loadUserRoles(t.db, (await getUserByEmail(t.db, 'beheerder@kring.example'))!.id);
	for (const row of await t.db.selectFrom('plans').select(['id', 'slug']).where('archived_at', 'is', null).orderBy('slug').execute()) {
		const doc = await buildPlanDocument(t.db, row.id, admin, readDocument);
		if (doc) files.push({ slug: row.slug, title: doc.title, docx: await renderPlanDocx(doc, exportWords()) });
	}
}, 120_000);
afterAll(async () => t.close());

const all = (xml: string, re: RegExp) => [...xml.matchAll(re)].map((m) => m[1]);

describe('an exported DOCX', () => {
	it('keeps the XML rules Word is strict about', async () => {
		expect(files.length).toBeGreaterThanOrEqual(3);
		for (const { slug, docx } of files) {
			const zip = await JSZip.loadAsync(docx);
			const xml = await zip.file('word/document.xml')!.async('string');
			const starts = all(xml, /<w:bookmarkStart\b[^>]*\bw:id="(\d+)"/g);
			const ends = all(xml, /<w:bookmarkEnd\b[^>]*\bw:id="(\d+)"/g);
			expect(new Set(starts).size, `${slug}: unique bookmark ids`).toBe(starts.length);
			expect([...ends].sort(), `${slug}: every bookmark closed`).toEqual([...starts].sort());
			const names = all(xml, /<w:bookmarkStart\b[^>]*\bw:name="([^"]+)"/g);
			expect(new Set(names).size, `${slug}: unique bookmark names`).toBe(names.length);
			expect(names.every((n) => n.length <= 40), `${slug}: bookmark names of at most 40 characters`).toBe(true);
			const drawings = all(xml, /<wp:docPr\b[^>]*\bid="(\d+)"/g);
			expect(new Set(drawings).size, `${slug}: unique drawing ids`).toBe(drawings.length);
			const styles = await zip.file('word/styles.xml')!.async('string');
			const defined = new Set(all(styles, /<w:style\b[^>]*\bw:styleId="([^"]+)"/g));
			for (const used of new Set(all(xml, /<w:pStyle w:val="([^"]+)"/g))) expect(defined.has(used), `${slug}: style ${used} defined`).toBe(true);
			const rels = await zip.file('word/_rels/document.xml.rels')!.async('string');
			const relIds = new Set(all(rels, /\bId="([^"]+)"/g));
			for (const id of new Set(all(xml, /\br:(?:id|embed)="([^"]+)"/g))) expect(relIds.has(id), `${slug}: relationship ${id}`).toBe(true);
			for (const m of rels.matchAll(/<Relationship\b[^>]*\bTarget="([^"]+)"(?![^>]*TargetMode="External")/g)) {
				expect(zip.file(`word/${m[1].replace(/^\/?word\//, '')}`) ?? zip.file(m[1].replace(/^\//, '')), `${slug}: part ${m[1]}`).toBeTruthy();
			}
			const types = await zip.file('[Content_Types].xml')!.async('string');
			expect(types).toContain('/word/document.xml');
			// well-formed: no raw control characters Word refuses
			expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml), `${slug}: control characters`).toBe(false);
		}
	});

	it.skipIf(!soffice)('opens in LibreOffice headless (converted to PDF with the plan text)' + (soffice ? '' : ' — skipped: LibreOffice (soffice) is not installed'), async () => {
		const dir = mkdtempSync(join(tmpdir(), 'kring-docx-'));
		try {
			for (const { slug, title, docx } of files.slice(0, 3)) {
				const pdf = await convertDocx(soffice!, docx, 'pdf');
				expect(pdf.subarray(0, 5).toString(), slug).toBe('%PDF-');
				const path = join(dir, `${slug}.pdf`);
				writeFileSync(path, pdf);
				const text = execFileSync('pdftotext', ['-l', '3', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
				expect(text, slug).toContain(title.replace(/\s+/g, ' ').slice(0, 30));
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 240_000);

	it.skipIf(!soffice)('converts to ODT with LibreOffice', async () => {
		const odt = await convertDocx(soffice!, files[0].docx, 'odt');
		const zip = await JSZip.loadAsync(odt);
		expect(await zip.file('mimetype')!.async('string')).toBe('application/vnd.oasis.opendocument.text');
		expect(await zip.file('content.xml')!.async('string')).toContain('text:h');
	}, 120_000);
});

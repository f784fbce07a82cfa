import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import { buildVersionDocument } from './plan-document.ts';
import { planView } from './plan-view.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getUserByEmail } from './user.ts';
import { getVersion, insertVersion, takeSnapshot } from './version.ts';

/** The version page and the public link: a version as the live plan reads, its rich texts through the one renderer. */
let t: TestDatabase;
const docs = new Map<string, Uint8Array>();
const readDocument = async (name: string) => docs.get(name) ?? Y.encodeStateAsUpdate(new Y.Doc());

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, (name, update) => docs.set(name, update));
});
afterAll(async () => t.close());

async function versionOf(slug: string, edit?: (snapshotDocs: Map<string, Uint8Array>) => void) {
	const planId = (await t.db.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
	edit?.(docs);
	const snapshot = (await takeSnapshot(t.db, planId, readDocument, { withState: true }))!;
	const createdBy = (await getUserByEmail(t.db, 'beheerder@kring.example'))!.id;
	const id = await insertVersion(t.db, { planId, cycleId: null, label: 'Versie', adoptedAt: Date.now(), snapshot, createdBy });
	return (await buildVersionDocument(t.db, (await getVersion(t.db, id))!))!;
}

describe('a version as a page', () => {
	it('keeps chapters, themes with their ambassadors and text, and regional and local actions with their fields', async () => {
		const doc = await versionOf('noord-oost-gelderland-uitvoeringsagenda-2024-2028');
		const view = planView(doc);
		const named = view.chapters.filter((c) => c.title);
		expect(named.length).toBeGreaterThan(1);
		expect(named[0].themes[0].level).toBe(3);
		const themes = view.chapters.flatMap((c) => c.themes);
		expect(themes.some((th) => th.ambassadors.length)).toBe(true);
		expect(themes.some((th) => th.sections.length)).toBe(true);
		expect(themes.some((th) => th.regional.length) && themes.some((th) => th.local.length)).toBe(true);
		const action = themes.flatMap((th) => [...th.regional, ...th.local]).find((a) => a.fields.length)!;
		expect(action.fields[0].html).toMatch(/^<(p|ul|ol|h\d)/);
	});

	it('escapes text and drops unsafe links in the rich texts it renders', async () => {
		const slug = 'arnhem-uitvoeringsplan-2024-2028';
		const planId = (await t.db.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
		const action = await t.db.selectFrom('actions').select('id').where('plan_id', '=', planId).where('archived_at', 'is', null).executeTakeFirstOrThrow();
		const template = JSON.parse((await t.db.selectFrom('plans').select('card_template').where('id', '=', planId).executeTakeFirstOrThrow()).card_template) as { key: string }[];
		const doc = await versionOf(slug, (store) => {
			const name = `action:${action.id}`;
			const ydoc = new Y.Doc();
			Y.applyUpdate(ydoc, store.get(name)!);
			const fragment = ydoc.getXmlFragment(template[0].key);
			fragment.delete(0, fragment.length);
			const p = new Y.XmlElement('paragraph');
			const text = new Y.XmlText();
			fragment.insert(0, [p]);
			p.insert(0, [text]);
			text.insert(0, '<script>alert(1)</script> ');
			text.insert(text.length, 'klik', { link: { href: 'javascript:alert(2)' } });
			text.insert(text.length, ' veilig', { link: { href: 'https://veiligthuis.nl' } });
			store.set(name, Y.encodeStateAsUpdate(ydoc));
			ydoc.destroy();
		});
		const html = planView(doc)
			.chapters.flatMap((c) => c.themes.flatMap((th) => [...th.regional, ...th.local]))
			.find((a) => a.id === action.id)!.fields[0].html;
		expect(html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; klik<a href="https://veiligthuis.nl"> veilig</a></p>');
	});
});

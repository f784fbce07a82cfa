import JSZip from 'jszip';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { META } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { getPlanOutline } from './plan.ts';
import { costOf, createImportedPlan, deleteUpload, importAccess, loadUpload, planningOf, storeUpload } from './plan-import.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getUserByEmail } from './user.ts';
import { emptyDocx, noStructureDocx, seed000Docx, seed001Docx, seed002Docx } from './word-import.fixtures.ts';
import { checkDocx, ImportRefused, MAX_IMPORT_BYTES, readWordPlan, toPreview } from './word-import.ts';

async function refusal(bytes: Uint8Array): Promise<string> {
	try {
		await checkDocx(bytes);
		await readWordPlan(bytes);
	} catch (err) {
		if (err instanceof ImportRefused) return `${err.status} ${err.reason}`;
		throw err;
	}
	return 'accepted';
}

/** A valid DOCX with one part replaced or added. */
async function variant(change: (zip: JSZip) => void, options: JSZip.JSZipGeneratorOptions<'uint8array'> = {}): Promise<Uint8Array> {
	const zip = await JSZip.loadAsync(await seed001Docx());
	change(zip);
	return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', ...options });
}

describe('reading Word plans in the shapes of the source documents', () => {
	it('seed 000: speerpunten as headings, each action a card table with its labels', async () => {
		const bytes = await seed000Docx();
		await checkDocx(bytes);
		const plan = await readWordPlan(bytes);
		const preview = toPreview(plan);
		expect(preview.title).toBe('Lokaal uitvoeringsplan Arnhem 2024-2028');
		expect(preview.chapters).toHaveLength(1);
		expect(preview.chapters[0].title).toBeNull();
		const themes = preview.chapters[0].themes;
		expect(themes.map((t) => t.title)).toEqual(['1. Lokale teams verlenen zelf hulp', '2. Eén vast gezicht']);
		expect(themes[0].text).toBe('De lokale teams hebben een spin in het web-functie in buurten en wijken.');
		expect(themes[0].actions.map((a) => a.title)).toEqual([
			'Er is afstemming met de wijkteams over het toekomstscenario',
			'Netwerkbijeenkomst voor ketenpartners'
		]);
		expect(themes[0].actions[0].level).toBeNull();
		expect(themes[0].actions[0].fields).toEqual({
			'Huidige stand van zaken': 'Er komt een landelijk kwaliteitskader Werken aan Veiligheid.',
			'Omschrijving actie': 'Op basis van de zelfscan zal een scholingsprogramma worden opgezet.',
			'Beoogd resultaat': 'De wijkteams bezitten voldoende kennis en kunde.',
			'Regionale samenwerking': 'Nee',
			'Wie gaat dit doen': 'Team HGKM met de Sociale Wijkteams',
			Planning: 'Start: 2024 Eind: 2026',
			'Kosten en dekking': '€ 25.000 uit de decentralisatie-uitkering'
		});
		// "Inleiding" before the first speerpunt is the plan's introduction, and the user is told.
		expect(plan.intro.length).toBeGreaterThan(0);
		expect(preview.warnings).toContainEqual({ code: 'intro_moved', title: 'Inleiding' });
		// The bold run survives as a mark.
		expect(JSON.stringify(plan.chapters[0].themes[0].blocks)).toContain('"bold":true');
		expect(plan.found.cardLabels).toContain('Kosten en dekking');
	});

	it('seed 000 with a mapping: only the chosen labels are card fields, the rest is reported', async () => {
		const plan = await readWordPlan(await seed000Docx(), { mapping: { cardFields: ['Omschrijving actie', 'Planning'], cardLevel: 'local' } });
		const action = toPreview(plan).chapters[0].themes[0].actions[0];
		expect(Object.keys(action.fields)).toEqual(['Omschrijving actie', 'Planning']);
		expect(action.level).toBe('local');
		expect(plan.warnings).toContainEqual({ code: 'field_skipped', label: 'Huidige stand van zaken' });
	});

	it('seed 001: chapters and themes as headings, "Zo doen we dat", ambassadors, regional and local actions', async () => {
		const plan = await readWordPlan(await seed001Docx());
		const preview = toPreview(plan);
		expect(preview.title).toBe('Samen tegen huiselijk geweld — Uitvoeringsagenda 2024-2028');
		expect(plan.mapping.chapterLevel).toBe(1);
		expect(plan.mapping.themeLevel).toBe(2);
		expect(preview.chapters.map((c) => c.title)).toEqual(['Samen sterker in de regio', 'Samen met partners']);
		const [teams, prevention] = preview.chapters[0].themes;
		expect(teams.title).toBe('Sterke lokale teams');
		expect(teams.text).toBe('We investeren in kennis van de lokale teams.\nWe werken met één gezin, één plan.');
		expect(teams.ambassadors).toEqual(['Fatma Yılmaz (gemeente Apeldoorn)', 'Pieter de Boer']);
		expect(teams.actions).toEqual([
			{ title: 'Regionaal scholingsaanbod voor lokale teams', level: 'regional', fields: {} },
			{ title: 'Een regionale expertpool', level: 'regional', fields: {} },
			{ title: 'Elke gemeente borgt de meldcode in het lokale team', level: 'local', fields: {} }
		]);
		expect(prevention.ambassadors).toEqual(['Joris van Dam']);
		expect(preview.chapters[1].themes[0].actions.map((a) => a.level)).toEqual(['local', 'local']);
		expect(plan.found.hasApproach).toBe(true);
	});

	it('seed 001 with other heading levels: every heading a theme, no chapters', async () => {
		const plan = await readWordPlan(await seed001Docx(), { mapping: { chapterLevel: null, themeLevel: 1 } });
		const preview = toPreview(plan);
		expect(preview.chapters).toHaveLength(1);
		expect(preview.chapters[0].title).toBeNull();
		expect(preview.chapters[0].themes.map((t) => t.title)).toEqual(['Samen sterker in de regio', 'Samen met partners']);
	});

	it('seed 002: vertrekpunten with a two-column table; the columns can be swapped', async () => {
		const plan = await readWordPlan(await seed002Docx());
		const preview = toPreview(plan);
		expect(preview.title).toBe('Samen Veilig 2019-2022');
		expect(plan.mapping.words.theme).toBe('vertrekpunt');
		const [first, second] = preview.chapters[0].themes;
		expect(first.title).toBe('1. Veiligheid voorop');
		expect(first.text).toBe('Ontwikkelrichting: we werken vanuit veiligheid.');
		expect(first.actions.filter((a) => a.level === 'regional').map((a) => a.title)).toEqual(['Regionaal veiligheidsteam inrichten', 'Gezamenlijke scholing']);
		expect(first.actions.filter((a) => a.level === 'local').map((a) => a.title)).toEqual([
			'Lokale teams werken met het veiligheidsplan',
			'Aandachtsfunctionaris per team'
		]);
		expect(second.actions).toHaveLength(2);
		const swapped = toPreview(await readWordPlan(await seed002Docx(), { mapping: { regionalColumn: 1, localColumn: 0 } }));
		expect(swapped.chapters[0].themes[1].actions).toEqual([
			{ title: 'Kindcheck lokaal borgen', level: 'regional', fields: {} },
			{ title: 'Kindcheck in de regio', level: 'local', fields: {} }
		]);
	});
});

describe('refusing bad files', () => {
	it('a corrupt zip, an empty file, something else renamed, a .docm, a zip bomb, a file over 10 MB', async () => {
		const good = await seed001Docx();
		expect(await refusal(good)).toBe('accepted');
		expect(await refusal(new Uint8Array())).toBe('400 empty');
		expect(await refusal(good.subarray(0, 2000))).toBe('400 corrupt');
		expect(await refusal(new TextEncoder().encode('%PDF-1.7 dit is geen Word-bestand'))).toBe('400 not_docx');
		const otherZip = await new JSZip().file('hallo.txt', 'hallo').generateAsync({ type: 'uint8array' });
		expect(await refusal(otherZip)).toBe('400 not_docx');
		const docm = await variant((zip) => {
			zip.file(
				'[Content_Types].xml',
				'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
			);
		});
		expect(await refusal(docm)).toBe('400 macro');
		const bomb = await variant((zip) => zip.file('word/media/bom.bin', new Uint8Array(20 * 1024 * 1024)));
		expect(bomb.length).toBeLessThan(MAX_IMPORT_BYTES);
		expect(await refusal(bomb)).toBe('400 zip_bomb');
		const big = new Uint8Array(MAX_IMPORT_BYTES + 1);
		big.set(good);
		expect(await refusal(big)).toBe('413 too_large');
	});

	it('a zip directory that lies about its sizes is still caught when unpacking', async () => {
		const bomb = await variant((zip) => zip.file('word/media/bom.bin', new Uint8Array(20 * 1024 * 1024)));
		// Rewrite the declared uncompressed size of every entry in the central directory to 1 byte.
		const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
		for (let i = 0; i + 46 < bomb.length; i++) if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 1, true);
		expect(await refusal(bomb)).toMatch(/^400 (zip_bomb|corrupt)$/);
	});

	it('an empty document, and one without structure', async () => {
		expect(await refusal(await emptyDocx())).toBe('400 empty');
		expect(await refusal(await noStructureDocx())).toBe('400 no_structure');
	});

	it('reads planning and costs from a card', () => {
		expect(planningOf('Start: 2024 Eind: 2026')).toEqual({ planningStart: '2024-01', planningEnd: '2026-12' });
		expect(planningOf('Doorlopend')).toEqual({ planningEnd: 'ongoing' });
		expect(costOf('€ 25.000 uit de decentralisatie-uitkering')).toBe(25000);
		expect(costOf('€ 5,2 mln')).toBe(5_000_000);
		expect(costOf('Binnen bestaande middelen')).toBeNull();
	});
});

describe('creating the plan', () => {
	let t: TestDatabase;
	const docs = new Map<string, Uint8Array>();
	beforeAll(async () => {
		t = await createTestDatabase();
		await seedDemo(t.db, DEMO_DIR, (name, update) => docs.set(name, update));
	});
	afterAll(async () => t.close());

	const region = async (slug: string) => (await t.db.selectFrom('regions').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
	const roles = async (email: string) => loadUserRoles(t.db, (await getUserByEmail(t.db, email))!.id);

	it('only region admins and editors may import; other members 403, strangers 404', async () => {
		expect((await importAccess(t.db, await roles('beheerder@kring.example'), 'noord-oost-gelderland'))?.allowed).toBe(true);
		expect((await importAccess(t.db, await roles('werkgroep@kring.example'), 'noord-oost-gelderland'))?.allowed).toBe(true);
		expect((await importAccess(t.db, await roles('lezer@kring.example'), 'noord-oost-gelderland'))?.allowed).toBe(false);
		expect((await importAccess(t.db, await roles('arnhem@kring.example'), 'arnhem-achterhoek'))?.allowed).toBe(false);
		expect(await importAccess(t.db, await roles('arnhem@kring.example'), 'kennemerland')).toBeNull();
		expect(await importAccess(t.db, await roles('beheerder@kring.example'), 'bestaat-niet')).toBeNull();
	});

	it('seed 001 becomes a plan: chapters, themes, ambassadors who are people of the region, actions with documents', async () => {
		const regionId = await region('noord-oost-gelderland');
		const plan = await readWordPlan(await seed001Docx());
		const id = await createImportedPlan(
			t.db,
			plan,
			{ regionId, municipalityId: null, title: plan.title, kind: 'uitvoeringsagenda', periodStart: 2024, periodEnd: 2028, words: plan.mapping.words, defaultLevel: 'regional' },
			(name, update) => docs.set(name, update)
		);
		const outline = (await getPlanOutline(t.db, id, await roles('beheerder@kring.example')))!;
		expect(outline.plan.title).toBe(plan.title);
		expect(outline.chapters.map((c) => c.title)).toEqual(['Samen sterker in de regio', 'Samen met partners']);
		const teams = outline.chapters[0].themes[0];
		expect(teams.title).toBe('Sterke lokale teams');
		expect(teams.actions.map((a) => [a.title, a.level])).toEqual([
			['Regionaal scholingsaanbod voor lokale teams', 'regional'],
			['Een regionale expertpool', 'regional'],
			['Elke gemeente borgt de meldcode in het lokale team', 'local']
		]);
		// Fatma Yılmaz and Joris van Dam are demo people of the region; Pieter de Boer stays in the text.
		expect(teams.ambassadors.map((a) => a.name)).toEqual(['Fatma Yılmaz']);
		expect(outline.chapters[0].themes[1].ambassadors.map((a) => a.name)).toEqual(['Joris van Dam']);
		expect(teams.text).toContain('Ambassadeurs: Pieter de Boer');
		// A local action of a regional plan has a row per gemeente, all not started.
		const adoptions = await t.db.selectFrom('local_adoptions').select('status').where('action_id', '=', teams.actions[2].id).execute();
		expect(adoptions.length).toBeGreaterThan(10);
		expect(new Set(adoptions.map((a) => a.status))).toEqual(new Set(['not_started']));
		const doc = new Y.Doc();
		Y.applyUpdate(doc, docs.get(docName({ kind: 'theme', id: teams.id }))!);
		expect(doc.getXmlFragment('approach').toString().toLowerCase()).toContain('<bulletlist>');
	});

	it('seed 000 becomes a gemeente plan with its card template, formatting, planning and costs', async () => {
		const regionId = await region('arnhem-achterhoek');
		const arnhem = await t.db.selectFrom('municipalities').select('id').where('slug', '=', 'arnhem').executeTakeFirstOrThrow();
		const plan = await readWordPlan(await seed000Docx());
		const id = await createImportedPlan(
			t.db,
			plan,
			{ regionId, municipalityId: arnhem.id, title: 'Arnhem geïmporteerd', kind: 'uitvoeringsplan', periodStart: 2024, periodEnd: 2028, words: { chapter: 'hoofdstuk', chapterPlural: 'hoofdstukken', theme: 'speerpunt', themePlural: 'speerpunten' }, defaultLevel: 'local' },
			(name, update) => docs.set(name, update)
		);
		const row = await t.db.selectFrom('plans').select(['card_template', 'levels', 'scope']).where('id', '=', id).executeTakeFirstOrThrow();
		expect(row.scope).toBe('municipality');
		expect(JSON.parse(row.levels).theme).toBe('speerpunt');
		const template = JSON.parse(row.card_template) as { key: string; label: string }[];
		expect(template.map((f) => f.label)).toEqual(['Huidige stand van zaken', 'Omschrijving actie', 'Beoogd resultaat', 'Regionale samenwerking', 'Wie gaat dit doen', 'Planning', 'Kosten en dekking']);
		expect(template[0].key).toBe('current_state');
		const action = await t.db
			.selectFrom('actions')
			.select(['id', 'title', 'level', 'planning_start', 'planning_end', 'cost_amount'])
			.where('plan_id', '=', id)
			.orderBy('position')
			.executeTakeFirstOrThrow();
		expect(action.title).toBe('Er is afstemming met de wijkteams over het toekomstscenario');
		expect(action.level).toBe('local');
		expect([action.planning_start, action.planning_end, action.cost_amount]).toEqual(['2024-01', '2026-12', 25000]);
		const card = new Y.Doc();
		Y.applyUpdate(card, docs.get(docName({ kind: 'action', id: action.id }))!);
		expect(card.getMap(META).get('title')).toBe(action.title);
		expect(card.getXmlFragment('current_state').toString()).toContain('Er komt een landelijk kwaliteitskader');
		const intro = new Y.Doc();
		Y.applyUpdate(intro, docs.get(docName({ kind: 'plan', id }))!);
		const themes = await t.db.selectFrom('themes').select(['id', 'number', 'title']).where('plan_id', '=', id).orderBy('position').execute();
		expect(themes.map((th) => [th.number, th.title])).toEqual([
			['1', 'Lokale teams verlenen zelf hulp'],
			['2', 'Eén vast gezicht']
		]);
		const theme = new Y.Doc();
		Y.applyUpdate(theme, docs.get(docName({ kind: 'theme', id: themes[0].id }))!);
		expect(theme.getXmlFragment('text').toString()).toContain('<bold>spin in het web-functie</bold>');
	});

	it('nothing is created when creating fails halfway', async () => {
		const regionId = await region('noord-oost-gelderland');
		const before = await t.db.selectFrom('plans').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		const plan = await readWordPlan(await seed002Docx());
		let writes = 0;
		await expect(
			createImportedPlan(
				t.db,
				plan,
				{ regionId, municipalityId: null, title: 'Mislukt', kind: 'regiovisie', periodStart: 2019, periodEnd: 2022, words: plan.mapping.words, defaultLevel: 'regional' },
				() => {
					if (++writes === 3) throw new Error('disk full');
				}
			)
		).rejects.toThrow('disk full');
		const after = await t.db.selectFrom('plans').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		expect(Number(after.n)).toBe(Number(before.n));
		expect(await t.db.selectFrom('themes').select('id').where('title', '=', 'Aandacht voor kinderen').execute()).toEqual([]);
	});

	it('keeps the upload for its own user and region only, until it is used', () => {
		const id = storeUpload(Uint8Array.of(1, 2, 3), { userId: 'u1', regionId: 'r1', fileName: 'plan.docx' });
		expect(loadUpload(id, 'u2', 'r1')).toBeNull();
		expect(loadUpload(id, 'u1', 'r2')).toBeNull();
		expect(Array.from(loadUpload(id, 'u1', 'r1')!.bytes)).toEqual([1, 2, 3]);
		deleteUpload(id);
		expect(loadUpload(id, 'u1', 'r1')).toBeNull();
		expect(loadUpload('../../etc/passwd', 'u1', 'r1')).toBeNull();
	});
});

import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { META } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import { canEditAdoption, documentAccess, loadUserRoles, resolveDocument } from './access.ts';
import { seedDemo } from './demo.ts';
import { createAction, getMatrix, getPlan, getPlanOutline, moveAction, moveActionToTheme } from './plan.ts';
import { projectAction } from './projection.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getUserByEmail } from './user.ts';

let t: TestDatabase;
const docs = new Map<string, Uint8Array>();

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, (name, update) => docs.set(name, update));
});
afterAll(async () => t.close());

async function user(email: string) {
	return (await getUserByEmail(t.db, email))!.id;
}
async function planId(slug: string) {
	return (await t.db.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}
async function firstAction(slug: string, level: 'regional' | 'local' = 'regional') {
	return t.db
		.selectFrom('actions')
		.select(['id', 'theme_id'])
		.where('plan_id', '=', await planId(slug))
		.where('level', '=', level)
		.orderBy('position')
		.executeTakeFirstOrThrow();
}
async function access(email: string, name: string) {
	const resource = await resolveDocument(t.db, { kind: name.split(':')[0] as 'action', id: name.split(':')[1] });
	return documentAccess(t.db, await user(email), resource!);
}

const NOG = 'noord-oost-gelderland-uitvoeringsagenda-2024-2028';
const ARNHEM = 'arnhem-uitvoeringsplan-2024-2028';
const SAMEN_VEILIG = 'arnhem-achterhoek-samen-veilig-2019-2022';

describe('demo plans', () => {
	it('carry the Noord-Oost Gelderland agenda with its chapters, themes and actions in document order', async () => {
		const roles = await loadUserRoles(t.db, await user('werkgroep@kring.example'));
		const outline = (await getPlanOutline(t.db, await planId(NOG), roles))!;
		const themes = outline.chapters.flatMap((c) => c.themes.map((th) => th.title));
		expect(themes).toContain('Sterke lokale teams');
		expect(themes).toContain('Preventie huiselijk geweld');
		expect(outline.chapters.flatMap((c) => c.themes).flatMap((th) => th.actions)).toHaveLength(42);
	});

	it('store every action card as a document with meta and one fragment per template field', async () => {
		const action = await firstAction(ARNHEM);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, docs.get(docName({ kind: 'action', id: action.id }))!);
		expect(typeof doc.getMap(META).get('title')).toBe('string');
		expect(doc.getXmlFragment('description').length).toBeGreaterThan(0);
	});

	it('give each gemeente of the region an adoption row for every local action of a regional plan', async () => {
		const plan = (await getPlan(t.db, await planId(SAMEN_VEILIG)))!;
		const roles = await loadUserRoles(t.db, await user('arnhem@kring.example'));
		const matrix = await getMatrix(t.db, plan, roles);
		expect(matrix.municipalities).toHaveLength(18);
		expect(matrix.rows.length).toBeGreaterThan(0);
		expect(Object.keys(matrix.rows[0].cells)).toHaveLength(18);
	});
});

describe('projection', () => {
	it('copies status and title from the document into the actions table', async () => {
		const action = await firstAction(NOG);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, docs.get(docName({ kind: 'action', id: action.id }))!);
		doc.getMap(META).set('status', 'at_risk');
		doc.getMap(META).set('title', 'Een nieuwe titel');
		await projectAction(t.db, action.id, doc, ['description']);
		const row = await t.db.selectFrom('actions').select(['status', 'title']).where('id', '=', action.id).executeTakeFirstOrThrow();
		expect(row).toEqual({ status: 'at_risk', title: 'Een nieuwe titel' });
	});

	it('ignores values of the wrong type written by a client', async () => {
		const action = await firstAction(NOG);
		const doc = new Y.Doc();
		doc.getMap(META).set('status', 'kapot');
		doc.getMap(META).set('costAmount', '<script>');
		doc.getMap(META).set('planningStart', '2024-99');
		await projectAction(t.db, action.id, doc, []);
		const row = await t.db.selectFrom('actions').select(['status', 'cost_amount', 'planning_start']).where('id', '=', action.id).executeTakeFirstOrThrow();
		expect(row).toEqual({ status: 'not_started', cost_amount: null, planning_start: null });
	});
});

describe('projection of the card’s gemeente', () => {
	async function municipality(slug: string) {
		return (await t.db.selectFrom('municipalities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
	}
	async function project(actionId: string, municipalityId: string) {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, docs.get(docName({ kind: 'action', id: actionId }))!);
		doc.getMap(META).set('municipalityId', municipalityId);
		const changed = (await projectAction(t.db, actionId, doc, [])) === 'visible';
		const row = await t.db.selectFrom('actions').select('municipality_id').where('id', '=', actionId).executeTakeFirstOrThrow();
		return { changed, municipalityId: row.municipality_id };
	}

	it('takes a gemeente of the plan’s region, and tells that a visible field changed', async () => {
		const action = await firstAction(NOG);
		const apeldoorn = await municipality('apeldoorn');
		expect(await project(action.id, apeldoorn)).toEqual({ changed: true, municipalityId: apeldoorn });
	});

	it('ignores a gemeente of another region', async () => {
		const action = await firstAction(NOG);
		expect((await project(action.id, await municipality('arnhem'))).municipalityId).toBeNull();
	});
});

describe('rights', () => {
	it("let Arnhem's editor edit Arnhem's plan", async () => {
		const action = await firstAction(ARNHEM);
		expect(await access('arnhem@kring.example', docName({ kind: 'action', id: action.id }))).toBe('write');
	});

	it("let Doetinchem's editor only read Arnhem's plan", async () => {
		const action = await firstAction(ARNHEM);
		expect(await access('doetinchem@kring.example', docName({ kind: 'action', id: action.id }))).toBe('read');
	});

	it("give a gemeente editor no access at all to another region's plan", async () => {
		const action = await firstAction(NOG);
		expect(await access('arnhem@kring.example', docName({ kind: 'action', id: action.id }))).toBe('none');
	});

	it('let a werkgroep editor edit the regional plan, and a reader only read it', async () => {
		const action = await firstAction(NOG);
		expect(await access('werkgroep@kring.example', docName({ kind: 'action', id: action.id }))).toBe('write');
		expect(await access('lezer@kring.example', docName({ kind: 'action', id: action.id }))).toBe('read');
	});

	it("let an ambassador edit the actions of their own theme and only read other themes'", async () => {
		const ambassador = await user('ambassadeur@kring.example');
		const own = await t.db.selectFrom('theme_ambassadors').select('theme_id').where('user_id', '=', ambassador).execute();
		const ownAction = await t.db.selectFrom('actions').select('id').where('theme_id', '=', own[0].theme_id).executeTakeFirstOrThrow();
		const other = await t.db
			.selectFrom('actions')
			.select('id')
			.where('plan_id', '=', await planId(NOG))
			.where('theme_id', 'not in', own.map((o) => o.theme_id))
			.executeTakeFirstOrThrow();
		expect(await access('ambassadeur@kring.example', docName({ kind: 'action', id: ownAction.id }))).toBe('write');
		expect(await access('ambassadeur@kring.example', docName({ kind: 'action', id: other.id }))).toBe('read');
	});

	it("let a gemeente editor set only their own gemeente's adoption cells", async () => {
		const roles = await loadUserRoles(t.db, await user('arnhem@kring.example'));
		const municipalities = await t.db.selectFrom('municipalities').select(['id', 'slug', 'region_id']).where('slug', 'in', ['arnhem', 'doetinchem']).execute();
		const arnhem = municipalities.find((m) => m.slug === 'arnhem')!;
		const doetinchem = municipalities.find((m) => m.slug === 'doetinchem')!;
		expect(canEditAdoption(roles, arnhem.region_id, arnhem.id)).toBe(true);
		expect(canEditAdoption(roles, doetinchem.region_id, doetinchem.id)).toBe(false);
	});
});

describe('structure', () => {
	it('creates an action with its own document at the end of the theme', async () => {
		const action = await firstAction(NOG);
		const created = new Map<string, Uint8Array>();
		const id = await createAction(t.db, { planId: await planId(NOG), themeId: action.theme_id, level: 'regional', title: 'Nieuwe actie' }, (n, u) => created.set(n, u));
		expect([...created.keys()]).toEqual([docName({ kind: 'action', id })]);
		const roles = await loadUserRoles(t.db, await user('werkgroep@kring.example'));
		const outline = (await getPlanOutline(t.db, await planId(NOG), roles))!;
		const theme = outline.chapters.flatMap((c) => c.themes).find((th) => th.id === action.theme_id)!;
		expect(theme.actions.filter((a) => a.level === 'regional').at(-1)?.title).toBe('Nieuwe actie');
	});

	it('moves an action one place up among its level, and not past the top', async () => {
		const roles = await loadUserRoles(t.db, await user('werkgroep@kring.example'));
		const pid = await planId(SAMEN_VEILIG);
		const theme = (await getPlanOutline(t.db, pid, roles))!.chapters[0].themes.find((th) => th.actions.filter((a) => a.level === 'local').length >= 2)!;
		const [first, second] = theme.actions.filter((a) => a.level === 'local');
		expect(await moveAction(t.db, second.id, 'up')).toBe(true);
		const after = (await getPlanOutline(t.db, pid, roles))!.chapters[0].themes.find((th) => th.id === theme.id)!;
		expect(after.actions.filter((a) => a.level === 'local').slice(0, 2).map((a) => a.id)).toEqual([second.id, first.id]);
		expect(await moveAction(t.db, second.id, 'up')).toBe(false);
	});

	it('moves an action only to a theme of the same plan', async () => {
		const action = await firstAction(NOG);
		const foreignTheme = await t.db.selectFrom('themes').select('id').where('plan_id', '=', await planId(ARNHEM)).executeTakeFirstOrThrow();
		expect(await moveActionToTheme(t.db, action.id, foreignTheme.id)).toBe(false);
	});
});

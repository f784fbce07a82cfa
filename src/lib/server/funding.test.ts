import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { getBudget, setFundingAmount } from './budget.ts';
import { seedDemo } from './demo.ts';
import {
	archiveFundingSource,
	createFundingSource,
	FUNDING_NAME_MAX,
	listArchivedFundingSources,
	restoreFundingSource,
	updateFundingSource
} from './funding.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
let planId: string;
let otherPlanId: string;
let arnhem: string;
let rheden: string;
let apeldoorn: string;

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	const plan = async (slug: string) => (await t.db.selectFrom('plans').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
	const mu = async (slug: string) => (await t.db.selectFrom('municipalities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
	planId = await plan('arnhem-achterhoek-samen-veilig-2019-2022');
	otherPlanId = await plan('noord-oost-gelderland-uitvoeringsagenda-2024-2028');
	arnhem = await mu('arnhem');
	rheden = await mu('rheden');
	apeldoorn = await mu('apeldoorn');
});
afterAll(async () => t.close());

const ok = <T>(outcome: { ok: true; value: T } | { ok: false; error: string }): T => {
	if (!outcome.ok) throw new Error(`expected ok, got ${outcome.error}`);
	return outcome.value;
};

describe('funding sources', () => {
	it('a name is required, at most FUNDING_NAME_MAX characters, and unique in the plan (case and accents ignored)', async () => {
		expect(await createFundingSource(t.db, planId, { name: '   ', scope: 'regional' })).toEqual({ ok: false, error: 'name_required' });
		expect(await createFundingSource(t.db, planId, { name: 'x'.repeat(500), scope: 'regional' })).toEqual({ ok: false, error: 'name_too_long' });
		expect((await createFundingSource(t.db, planId, { name: 'x'.repeat(FUNDING_NAME_MAX), scope: 'regional' })).ok).toBe(true);
		ok(await createFundingSource(t.db, planId, { name: 'Regionale coördinatie', scope: 'regional' }));
		expect(await createFundingSource(t.db, planId, { name: '  regionale  COORDINATIE ', scope: 'local' })).toEqual({ ok: false, error: 'name_duplicate' });
		// another plan may use the same name
		expect((await createFundingSource(t.db, otherPlanId, { name: 'Regionale coördinatie', scope: 'regional' })).ok).toBe(true);
	});

	it('a part hangs under a live source of the same plan and level, never under itself or its own part', async () => {
		const du = ok(await createFundingSource(t.db, planId, { name: 'DU Vrouwenopvang (test)', scope: 'regional' }));
		const arnhemPart = ok(await createFundingSource(t.db, planId, { name: 'DU — Regio Arnhem', scope: 'regional', parentId: du }));
		expect(await createFundingSource(t.db, planId, { name: 'Lokaal deel', scope: 'local', parentId: du })).toEqual({ ok: false, error: 'parent_scope' });
		const foreign = ok(await createFundingSource(t.db, otherPlanId, { name: 'Elders', scope: 'regional' }));
		expect(await createFundingSource(t.db, planId, { name: 'Onder elders', scope: 'regional', parentId: foreign })).toEqual({ ok: false, error: 'parent_unknown' });
		expect(await updateFundingSource(t.db, planId, du, { name: 'DU Vrouwenopvang (test)', scope: 'regional', parentId: arnhemPart })).toEqual({
			ok: false,
			error: 'parent_cycle'
		});
		expect(await updateFundingSource(t.db, planId, du, { name: 'DU Vrouwenopvang (test)', scope: 'regional', parentId: du })).toEqual({
			ok: false,
			error: 'parent_cycle'
		});
		// a source whose parts are regional cannot become local
		expect(await updateFundingSource(t.db, planId, du, { name: 'DU Vrouwenopvang (test)', scope: 'local' })).toEqual({ ok: false, error: 'parent_scope' });
		const row = await t.db.selectFrom('funding_sources').select(['parent_id', 'scope']).where('id', '=', du).executeTakeFirstOrThrow();
		expect(row).toEqual({ parent_id: null, scope: 'regional' });
	});

	it('a local source names a gemeente of the plan’s region; a regional one never does', async () => {
		const local = ok(await createFundingSource(t.db, planId, { name: 'Wmo Rheden', scope: 'local', municipalityId: rheden }));
		expect((await t.db.selectFrom('funding_sources').select('municipality_id').where('id', '=', local).executeTakeFirstOrThrow()).municipality_id).toBe(rheden);
		expect(await createFundingSource(t.db, planId, { name: 'Wmo Apeldoorn', scope: 'local', municipalityId: apeldoorn })).toEqual({
			ok: false,
			error: 'municipality_unknown'
		});
		const regional = ok(await createFundingSource(t.db, planId, { name: 'Regio met gemeente', scope: 'regional', municipalityId: arnhem }));
		expect((await t.db.selectFrom('funding_sources').select('municipality_id').where('id', '=', regional).executeTakeFirstOrThrow()).municipality_id).toBeNull();
	});

	it('renames, and refuses a rename onto another source’s name', async () => {
		const a = ok(await createFundingSource(t.db, planId, { name: 'Bron A', scope: 'regional' }));
		ok(await createFundingSource(t.db, planId, { name: 'Bron B', scope: 'regional' }));
		expect(await updateFundingSource(t.db, planId, a, { name: 'bron b', scope: 'regional' })).toEqual({ ok: false, error: 'name_duplicate' });
		expect(await updateFundingSource(t.db, planId, a, { name: '', scope: 'regional' })).toEqual({ ok: false, error: 'name_required' });
		ok(await updateFundingSource(t.db, planId, a, { name: 'Bron A hernoemd', scope: 'regional', note: 'Uit de begroting 2025' }));
		const row = await t.db.selectFrom('funding_sources').select(['name', 'note']).where('id', '=', a).executeTakeFirstOrThrow();
		expect(row).toEqual({ name: 'Bron A hernoemd', note: 'Uit de begroting 2025' });
		// another plan's source is not found through this plan
		expect(await updateFundingSource(t.db, otherPlanId, a, { name: 'Gekaapt', scope: 'regional' })).toEqual({ ok: false, error: 'not_found' });
	});

	it('archives parts before their parent, leaves them out of the budget, and restores them', async () => {
		const parent = ok(await createFundingSource(t.db, planId, { name: 'GHNT (test)', scope: 'regional' }));
		const part = ok(await createFundingSource(t.db, planId, { name: 'GHNT — projectleider (test)', scope: 'regional', parentId: parent }));
		await setFundingAmount(t.db, { sourceId: part, year: 2030, amount: 75_000 });
		expect(await archiveFundingSource(t.db, planId, parent, 'u1')).toEqual({ ok: false, error: 'has_parts' });
		ok(await archiveFundingSource(t.db, planId, part, 'u1'));
		expect((await getBudget(t.db, planId)).sources.map((s) => s.id)).not.toContain(part);
		expect((await listArchivedFundingSources(t.db, planId)).map((s) => s.id)).toContain(part);
		ok(await archiveFundingSource(t.db, planId, parent, 'u1'));
		// a part does not come back under an archived parent
		expect(await restoreFundingSource(t.db, planId, part)).toEqual({ ok: false, error: 'parent_archived' });
		ok(await restoreFundingSource(t.db, planId, parent));
		ok(await restoreFundingSource(t.db, planId, part));
		const budget = await getBudget(t.db, planId);
		expect(budget.sources.find((s) => s.id === part)).toMatchObject({ parentId: parent, depth: 1, figures: { 2030: 75_000 } });
		expect(budget.sources.find((s) => s.id === parent)).toMatchObject({ depth: 0, figures: { 2030: 75_000 } });
	});

	it('a restored source whose name is taken again stays archived', async () => {
		const old = ok(await createFundingSource(t.db, planId, { name: 'Oude bron', scope: 'local' }));
		ok(await archiveFundingSource(t.db, planId, old, 'u1'));
		ok(await createFundingSource(t.db, planId, { name: 'Oude bron', scope: 'local' }));
		expect(await restoreFundingSource(t.db, planId, old)).toEqual({ ok: false, error: 'name_duplicate' });
	});
});

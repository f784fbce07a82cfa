import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docName } from '../doc-name.ts';
import { getPlan } from './plan.ts';
import { seedShape } from './plan-shape.fixtures.ts';
import { checkCardTemplate, parentCandidates, updatePlanSettings, visibleFields, type PlanSettingsInput } from './plan-settings.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

let t: TestDatabase;
let s: Awaited<ReturnType<typeof seedShape>>;
const docs = new Map<string, Uint8Array>();

beforeAll(async () => {
	t = await createTestDatabase();
	s = await seedShape(t.db, docs);
});
afterAll(async () => t.close());

async function current(planId: string): Promise<PlanSettingsInput> {
	const p = (await getPlan(t.db, planId))!;
	return {
		title: p.title,
		subtitle: p.subtitle ?? '',
		kind: p.kind,
		periodStart: p.periodStart,
		periodEnd: p.periodEnd,
		levels: p.levels,
		cardTemplate: p.cardTemplate,
		parentPlanId: p.parentPlanId
	};
}

describe('card template rules', () => {
	const base = [
		{ key: 'a', label: 'Omschrijving' },
		{ key: 'b', label: 'Resultaat' }
	];

	it('gives a new field a fresh key and keeps the order as sent', () => {
		const r = checkCardTemplate(base, [{ key: 'b', label: 'Resultaat' }, { label: ' Nieuw  veld ' }, { key: 'a', label: 'Omschrijving' }]);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.value.map((f) => f.label)).toEqual(['Resultaat', 'Nieuw veld', 'Omschrijving']);
		expect(r.value[1].key).toMatch(/^veld_[a-z0-9]+$/);
		expect(['a', 'b']).not.toContain(r.value[1].key);
	});

	it('refuses an empty label, a duplicate label (ignoring case) and a dropped field', () => {
		expect(checkCardTemplate(base, [...base, { label: '  ' }])).toMatchObject({ ok: false, error: 'label_required' });
		expect(checkCardTemplate(base, [...base, { label: 'resultaat' }])).toMatchObject({ ok: false, error: 'label_duplicate', label: 'resultaat' });
		expect(checkCardTemplate(base, [base[0]])).toMatchObject({ ok: false, error: 'field_missing' });
		expect(checkCardTemplate(base, [...base, { key: 'zz', label: 'Vreemd' }])).toMatchObject({ ok: false, error: 'field_unknown' });
		expect(checkCardTemplate(base, base.map((f) => ({ ...f, hidden: true })))).toMatchObject({ ok: false, error: 'template_empty' });
	});

	it('marks a hidden field and leaves it out of what a card shows', () => {
		const r = checkCardTemplate(base, [base[0], { ...base[1], hidden: true }]);
		expect(r).toEqual({ ok: true, value: [base[0], { ...base[1], hidden: true }] });
		if (r.ok) expect(visibleFields(r.value)).toEqual([base[0]]);
	});
});

describe('updatePlanSettings', () => {
	it('hides a field without touching its text, and shows it again under the same key', async () => {
		const before = await current(s.regional);
		const field = (await getPlan(t.db, s.regional))!.cardTemplate[1];
		// the card has text in that field
		const name = docName({ kind: 'action', id: s.actionId });
		const doc = new Y.Doc();
		Y.applyUpdate(doc, docs.get(name)!);
		const para = new Y.XmlElement('paragraph');
		para.insert(0, [new Y.XmlText('Tekst die blijft')]);
		doc.getXmlFragment(field.key).insert(0, [para]);
		docs.set(name, Y.encodeStateAsUpdate(doc));

		const hidden = await updatePlanSettings(t.db, s.regional, {
			...before,
			cardTemplate: before.cardTemplate.map((f) => (f.key === field.key ? { ...f, hidden: true } : f))
		});
		expect(hidden.ok).toBe(true);
		const plan = (await getPlan(t.db, s.regional))!;
		expect(plan.cardTemplate.find((f) => f.key === field.key)).toEqual({ ...field, hidden: true });
		expect(visibleFields(plan.cardTemplate).map((f) => f.key)).not.toContain(field.key);

		const shown = await updatePlanSettings(t.db, s.regional, before);
		expect(shown.ok).toBe(true);
		const again = (await getPlan(t.db, s.regional))!;
		expect(visibleFields(again.cardTemplate).map((f) => f.key)).toContain(field.key);
		const reread = new Y.Doc();
		Y.applyUpdate(reread, docs.get(name)!);
		expect(reread.getXmlFragment(field.key).toString()).toContain('Tekst die blijft');
	});

	it('adds a field that every card of the plan shows', async () => {
		const before = await current(s.regional);
		const r = await updatePlanSettings(t.db, s.regional, { ...before, cardTemplate: [...before.cardTemplate, { label: 'Risico’s' }] });
		expect(r.ok).toBe(true);
		const plan = (await getPlan(t.db, s.regional))!;
		expect(visibleFields(plan.cardTemplate).at(-1)?.label).toBe('Risico’s');
	});

	it('saves title, period and level words, and refuses bad ones without changing anything', async () => {
		const before = await current(s.regional);
		const ok = await updatePlanSettings(t.db, s.regional, {
			...before,
			title: '  Nieuwe titel ',
			periodStart: 2025,
			levels: { chapter: 'speerpunt', chapterPlural: 'speerpunten', theme: 'doelstelling', themePlural: 'doelstellingen' }
		});
		expect(ok.ok).toBe(true);
		const saved = await current(s.regional);
		expect(saved.title).toBe('Nieuwe titel');
		expect(saved.levels.chapter).toBe('speerpunt');

		for (const [input, error] of [
			[{ title: '' }, 'title_required'],
			[{ title: 'x'.repeat(500) }, 'title_too_long'],
			[{ periodEnd: 2020 }, 'bad_period'],
			[{ kind: 'onzin' }, 'bad_kind'],
			[{ levels: { ...saved.levels, theme: ' ' } }, 'level_required'],
			[{ cardTemplate: [...saved.cardTemplate, { label: saved.cardTemplate[0].label }] }, 'label_duplicate'],
			[{ cardTemplate: [...saved.cardTemplate, { label: '' }] }, 'label_required']
		] as [Partial<PlanSettingsInput>, string][]) {
			expect(await updatePlanSettings(t.db, s.regional, { ...saved, ...input })).toMatchObject({ ok: false, error });
		}
		expect(await current(s.regional)).toEqual(saved);
	});

	it('links a local plan under the regional plan and refuses a cycle', async () => {
		const local = await current(s.local);
		expect(await updatePlanSettings(t.db, s.local, { ...local, parentPlanId: s.regional })).toMatchObject({ ok: true });
		expect((await parentCandidates(t.db, s.regional)).map((p) => p.id)).not.toContain(s.local);
		const regional = await current(s.regional);
		expect(await updatePlanSettings(t.db, s.regional, { ...regional, parentPlanId: s.local })).toMatchObject({ ok: false, error: 'parent_cycle' });
		expect(await updatePlanSettings(t.db, s.regional, { ...regional, parentPlanId: s.regional })).toMatchObject({ ok: false, error: 'parent_cycle' });
		expect(await updatePlanSettings(t.db, s.regional, { ...regional, parentPlanId: 'bestaatniet' })).toMatchObject({ ok: false, error: 'parent_unknown' });
		expect((await current(s.regional)).parentPlanId).toBeNull();
	});
});

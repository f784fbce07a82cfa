import { describe, expect, it } from 'vitest';
import { diffPlans, wordDiff, type PlanSnapshot, type SnapshotAction } from './review-diff.ts';

function action(id: string, over: Partial<SnapshotAction> = {}): SnapshotAction {
	return {
		id,
		title: `Actie ${id}`,
		status: 'in_progress',
		level: 'regional',
		planningStart: '2024-01',
		planningEnd: '2024-12',
		costAmount: null,
		lead: null,
		progress: 0,
		predecessorId: null,
		documentName: `action:${id}`,
		fields: { description: 'We doen dit samen met de gemeenten.' },
		...over
	};
}

function plan(actions: SnapshotAction[], themeTitle = 'Thema'): PlanSnapshot {
	return {
		format: 1,
		takenAt: 0,
		plan: { id: 'p', title: 'Plan', subtitle: null, kind: 'actieprogramma', periodStart: 2021, periodEnd: 2024, introText: '', documentName: 'plan:p' },
		cardTemplate: [{ key: 'description', label: 'Omschrijving' }],
		themeSections: [{ key: 'approach', label: 'Zo doen we dat' }],
		chapters: [],
		themes: [{ id: 't', chapterId: null, number: '1', title: themeTitle, documentName: 'theme:t', sections: {}, actions }]
	};
}

describe('wordDiff', () => {
	it('marks an inserted word as added and keeps the rest', () => {
		expect(wordDiff('samen met de gemeenten', 'samen met alle gemeenten')).toEqual([
			{ kind: 'same', text: 'samen met ' },
			{ kind: 'removed', text: 'de' },
			{ kind: 'added', text: 'alle' },
			{ kind: 'same', text: ' gemeenten' }
		]);
	});

	it('finds the few edits in a field of about 2 000 words instead of replacing it whole', () => {
		const words = Array.from({ length: 2000 }, (_, i) => `woord${i % 97}`);
		const before = words.join(' ');
		const after = words.map((w, i) => (i === 10 ? 'eerste' : i === 1500 ? 'tweede' : w)).join(' ') + ' slot';
		const parts = wordDiff(before, after);
		expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['eerste', 'tweede', 'slot']);
		expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['woord10', 'woord45']);
		// the parts rebuild both texts
		expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before);
		expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after);
	});

	it('shows a long field with every 25th word changed word by word', () => {
		const words = Array.from({ length: 2000 }, (_, i) => `woord${i}`);
		const after = words.map((w, i) => (i % 25 === 0 ? `nieuw${i}` : w));
		const parts = wordDiff(words.join(' '), after.join(' '));
		expect(parts.filter((p) => p.kind === 'added')).toHaveLength(80);
		expect(parts.filter((p) => p.kind === 'same').length).toBeGreaterThan(75);
	});

	it('returns one unchanged part for equal texts and nothing for two empty ones', () => {
		expect(wordDiff('gelijk', 'gelijk')).toEqual([{ kind: 'same', text: 'gelijk' }]);
		expect(wordDiff('', '')).toEqual([]);
	});

	it('reports a text that appeared from nothing as added', () => {
		expect(wordDiff('', 'nieuw')).toEqual([{ kind: 'added', text: 'nieuw' }]);
	});
});

describe('diffPlans', () => {
	it('finds nothing between equal plans', () => {
		const d = diffPlans(plan([action('a')]), plan([action('a')]));
		expect(d.counts).toEqual({ added: 0, removed: 0, changed: 0 });
		expect(d.themes[0].change).toBe('same');
	});

	it('reports added and removed actions', () => {
		const d = diffPlans(plan([action('a')]), plan([action('b')]));
		expect(d.counts).toEqual({ added: 1, removed: 1, changed: 0 });
		expect(d.themes[0].actions.map((a) => [a.id, a.change])).toEqual([
			['b', 'added'],
			['a', 'removed']
		]);
	});

	it('reports status, planning and text changes of an action', () => {
		const after = action('a', { status: 'done', planningEnd: '2025-06', fields: { description: 'We doen dit samen met alle gemeenten.' } });
		const d = diffPlans(plan([action('a')]), plan([after]));
		const a = d.themes[0].actions[0];
		expect(a.change).toBe('changed');
		expect(a.status).toEqual({ before: 'in_progress', after: 'done' });
		expect(a.planning).toEqual({ before: '2024-01 – 2024-12', after: '2024-01 – 2025-06' });
		expect(a.fields[0].parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['alle']);
		expect(d.themes[0].change).toBe('changed');
	});

	it('reports a renamed theme with its old title', () => {
		const d = diffPlans(plan([], 'Oud'), plan([], 'Nieuw'));
		expect(d.themes[0]).toMatchObject({ change: 'changed', title: 'Nieuw', title_before: 'Oud' });
	});
});

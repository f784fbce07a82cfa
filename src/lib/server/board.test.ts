import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import type { Status } from '../action-doc.ts';
import { loadUserRoles } from './access.ts';
import {
	boardSearch,
	coversYear,
	EMPTY_FILTER,
	getBoard,
	isOverdue,
	monthOf,
	parseBoardFilter,
	placeAction,
	positionBetween,
	rollUp,
	sharesOf,
	type RollUpAction
} from './board.ts';
import { seedDemo } from './demo.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { getUserByEmail } from './user.ts';

const action = (status: Status, planningEnd: string | null = null, adoption: RollUpAction['adoption'] = null): RollUpAction => ({
	status,
	planningEnd,
	adoption
});

describe('roll-up arithmetic', () => {
	it('an empty theme has zero counts, zero shares and no coverage, without dividing by zero', () => {
		const r = rollUp([], '2026-03');
		expect(r.total).toBe(0);
		expect(Object.values(r.counts).every((n) => n === 0)).toBe(true);
		expect(Object.values(r.shares).every((n) => n === 0)).toBe(true);
		expect(r.donePercent).toBe(0);
		expect(r.overdue).toBe(0);
		expect(r.coverage).toBeNull();
	});

	it('counts per status and a done share that leaves dropped actions out', () => {
		const r = rollUp([action('done'), action('done'), action('in_progress'), action('dropped')], '2026-03');
		expect(r.counts).toMatchObject({ done: 2, in_progress: 1, dropped: 1, not_started: 0 });
		expect(r.total).toBe(4);
		expect(r.donePercent).toBe(67);
	});

	it('shares are whole percentages that always add up to 100', () => {
		const r = rollUp([action('done'), action('in_progress'), action('at_risk')], '2026-03');
		expect(r.shares.done + r.shares.in_progress + r.shares.at_risk).toBe(100);
		expect([r.shares.done, r.shares.in_progress, r.shares.at_risk].sort()).toEqual([33, 33, 34]);
		const counts = { not_started: 1, in_progress: 1, at_risk: 1, done: 1, ongoing: 1, dropped: 1 };
		expect(Object.values(sharesOf(counts)).reduce((a, b) => a + b, 0)).toBe(100);
		expect(sharesOf({ ...counts, in_progress: 0 }).in_progress).toBe(0);
	});

	it('an action is overdue from the month after its planned end, while still open', () => {
		expect(isOverdue(action('in_progress', '2025-12'), '2025-12')).toBe(false);
		expect(isOverdue(action('in_progress', '2025-12'), '2026-01')).toBe(true);
		expect(isOverdue(action('not_started', '2024-06'), '2026-01')).toBe(true);
		expect(isOverdue(action('at_risk', '2024-06'), '2026-01')).toBe(true);
	});

	it('finished, continuous, dropped, unplanned and ongoing-ended actions are never overdue', () => {
		for (const status of ['done', 'ongoing', 'dropped'] as const) expect(isOverdue(action(status, '2020-01'), '2026-01')).toBe(false);
		expect(isOverdue(action('in_progress', null), '2026-01')).toBe(false);
		expect(isOverdue(action('in_progress', 'ongoing'), '2026-01')).toBe(false);
	});

	it('the roll-up counts overdue actions and the gemeenten coverage of local actions', () => {
		const r = rollUp(
			[
				action('in_progress', '2024-12', { active: 3, total: 8 }),
				action('not_started', '2030-01', { active: 1, total: 8 }),
				action('done', '2024-01'),
				action('at_risk', '2025-06')
			],
			'2026-03'
		);
		expect(r.overdue).toBe(2);
		expect(r.coverage).toEqual({ active: 4, total: 16, percent: 25 });
	});

	it('the month of a moment is taken in Dutch time', () => {
		expect(monthOf(new Date('2025-12-31T23:30:00Z'))).toBe('2026-01');
		expect(monthOf(new Date('2025-06-15T12:00:00Z'))).toBe('2025-06');
	});

	it('a planning covers the years from its start to its end; ongoing runs on', () => {
		expect(coversYear('2024-03', '2025-12', 2025)).toBe(true);
		expect(coversYear('2024-03', '2025-12', 2026)).toBe(false);
		expect(coversYear('2024-03', 'ongoing', 2031)).toBe(true);
		expect(coversYear(null, '2021-12', 2021)).toBe(true);
		expect(coversYear(null, null, 2021)).toBe(false);
	});

	it('places between neighbours, and asks for renumbering when there is no room', () => {
		expect(positionBetween(1, 2)).toBe(1.5);
		expect(positionBetween(null, 2)).toBe(1);
		expect(positionBetween(4, null)).toBe(5);
		expect(positionBetween(null, null)).toBe(1);
		expect(positionBetween(1, 1 + 1e-12)).toBeNull();
	});
});

describe('filters in the URL', () => {
	it('round-trips through a canonical query string', () => {
		const filter = { ...EMPTY_FILTER, themeId: 'abc123', level: 'local' as const, lead: 'Veilig Thuis', tag: 'jeugd', year: 2025, mine: true };
		const search = boardSearch(filter);
		expect(search).toBe('thema=abc123&niveau=lokaal&trekker=Veilig+Thuis&doelgroep=jeugd&jaar=2025&mijn=1');
		expect(parseBoardFilter(new URLSearchParams(search))).toEqual(filter);
	});

	it('ignores malformed values', () => {
		const f = parseBoardFilter(new URLSearchParams('thema=../x&niveau=alles&jaar=abc&gemeente=<b>&mijn=ja'));
		expect(f).toEqual(EMPTY_FILTER);
	});
});

describe('the board of a demo plan', () => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await createTestDatabase();
		await seedDemo(t.db, DEMO_DIR, () => {});
	});
	afterAll(async () => t.close());

	async function board(email: string, query = '') {
		const user = (await getUserByEmail(t.db, email))!;
		const plan = await t.db.selectFrom('plans').select('id').where('slug', '=', 'noord-oost-gelderland-uitvoeringsagenda-2024-2028').executeTakeFirstOrThrow();
		return getBoard(t.db, {
			planId: plan.id,
			roles: await loadUserRoles(t.db, user.id),
			userId: user.id,
			userName: user.name,
			filter: parseBoardFilter(new URLSearchParams(query)),
			today: '2026-03'
		});
	}

	it('groups every action of the plan into a swimlane per theme and a column per status', async () => {
		const b = (await board('werkgroep@kring.example'))!;
		const count = await t.db.selectFrom('actions').innerJoin('plans', 'plans.id', 'actions.plan_id').select((eb) => eb.fn.countAll<number>().as('n')).where('plans.slug', '=', 'noord-oost-gelderland-uitvoeringsagenda-2024-2028').executeTakeFirstOrThrow();
		expect(b.rollUp.total).toBe(Number(count.n));
		expect(b.lanes.reduce((sum, l) => sum + l.rollUp.total, 0)).toBe(b.rollUp.total);
		for (const lane of b.lanes) for (const [status, cards] of Object.entries(lane.columns)) for (const c of cards) expect(c.status).toBe(status);
		expect(b.lanes.every((l) => l.canEdit)).toBe(true);
		expect(b.municipalities.length).toBeGreaterThan(0);
	});

	it('a reader sees the same board without edit rights; a stranger to the region sees nothing', async () => {
		const b = (await board('lezer@kring.example'))!;
		expect(b.canEditAny).toBe(false);
		expect(await board('arnhem@kring.example')).toBeNull(); // Arnhem lies in another region
	});

	it('filters by level and by gemeente, and shows that gemeente’s own status', async () => {
		const local = (await board('werkgroep@kring.example', 'niveau=lokaal'))!;
		const cards = local.lanes.flatMap((l) => Object.values(l.columns).flat());
		expect(cards.length).toBeGreaterThan(0);
		expect(cards.every((c) => c.level === 'local')).toBe(true);
		const slug = local.options.municipalities[0].slug;
		const one = (await board('werkgroep@kring.example', `gemeente=${slug}`))!;
		const oneCards = one.lanes.flatMap((l) => Object.values(l.columns).flat());
		expect(oneCards.length).toBeGreaterThan(0);
		expect(oneCards.every((c) => c.localStatus !== null)).toBe(true);
		// the roll-up's coverage is that gemeente's own
		expect(one.rollUp.coverage?.total).toBe(oneCards.length);
		const mine = one.municipalities.find((mu) => mu.slug === slug)!;
		expect(one.rollUp.coverage?.active).toBe(mine.active);
	});

	it('a gemeente filter also finds a regional action whose card names that gemeente', async () => {
		const plan = await t.db.selectFrom('plans').select('id').where('slug', '=', 'noord-oost-gelderland-uitvoeringsagenda-2024-2028').executeTakeFirstOrThrow();
		const regional = await t.db.selectFrom('actions').select('id').where('plan_id', '=', plan.id).where('level', '=', 'regional').executeTakeFirstOrThrow();
		const epe = await t.db.selectFrom('municipalities').select(['id', 'slug']).where('slug', '=', 'epe').executeTakeFirstOrThrow();
		const cardsOf = async () => (await board('werkgroep@kring.example', `gemeente=${epe.slug}`))!.lanes.flatMap((l) => Object.values(l.columns).flat());
		expect((await cardsOf()).map((c) => c.id)).not.toContain(regional.id);
		await t.db.updateTable('actions').set({ municipality_id: epe.id }).where('id', '=', regional.id).execute();
		expect((await cardsOf()).map((c) => c.id)).toContain(regional.id);
	});

	it('moves an action between two neighbours of its theme', async () => {
		const b = (await board('werkgroep@kring.example'))!;
		const lane = b.lanes.find((l) => l.rollUp.total >= 3)!;
		const [first, second, third] = (await t.db.selectFrom('actions').select(['id', 'position']).where('theme_id', '=', lane.id).orderBy('position').execute());
		const position = await placeAction(t.db, lane.id, { actionId: third.id, status: 'done', afterId: first.id });
		expect(position).toBeGreaterThan(first.position);
		expect(position).toBeLessThan(second.position);
		expect(await placeAction(t.db, lane.id, { actionId: third.id, status: 'done', afterId: 'elders' })).toBeNull();
	});
});

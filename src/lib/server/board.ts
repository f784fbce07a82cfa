import { STATUSES, type Status } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import { canEditTheme, canReadRegion, type UserRoles } from './access.ts';
import type { Db } from './db.ts';
import { activeFlags } from './local-report.ts';
import { focusSet, inFocus } from './focus.ts';
import { getPlan } from './plan.ts';
import type { ActionLevel, PlanScope } from './schema.ts';

/**
 * The status board (issue 6): a plan's actions grouped by theme (swimlane) and
 * status (column), filtered by what the URL says, with the progress roll-up.
 * The arithmetic is pure and lives at the top of this file; `getBoard` is the
 * one query the board page, the timeline and `GET /api/plans/<id>/board` share.
 */

/** Columns shown by default, in workflow order; `dropped` only behind a toggle. */
export const BOARD_COLUMNS: readonly Status[] = ['not_started', 'in_progress', 'at_risk', 'done', 'ongoing'];

/** Statuses that mean "being carried out" for a gemeente's local action. */
const ACTIVE_LOCAL: readonly Status[] = ['in_progress', 'done', 'ongoing'];

// ------------------------------------------------------------------ filters

export interface BoardFilter {
	themeId: string | null;
	level: ActionLevel | null;
	/** municipality slug */
	municipality: string | null;
	lead: string | null;
	tag: string | null;
	year: number | null;
	mine: boolean;
	showDropped: boolean;
	/** a year: only the themes and actions in that year's focus (src/lib/server/focus.ts) */
	focus: number | null;
}

export const EMPTY_FILTER: BoardFilter = Object.freeze({
	themeId: null,
	level: null,
	municipality: null,
	lead: null,
	tag: null,
	year: null,
	mine: false,
	showDropped: false,
	focus: null
});

/**
 * The URL's query → a filter. Dutch parameter names, since people share these
 * links: `thema`, `niveau` (regionaal|lokaal), `gemeente`, `trekker`,
 * `doelgroep`, `jaar`, `mijn=1`, `verlaten=1`. Anything malformed is ignored.
 */
export function parseBoardFilter(params: URLSearchParams): BoardFilter {
	const text = (key: string, max = 300) => {
		const value = params.get(key)?.trim();
		return value ? value.slice(0, max) : null;
	};
	const id = text('thema', 40);
	const level = text('niveau');
	const year = Number(text('jaar', 4));
	const municipality = text('gemeente', 100);
	const focus = Number(text('focus', 4));
	return {
		themeId: id && /^[a-z0-9]+$/.test(id) ? id : null,
		level: level === 'regionaal' ? 'regional' : level === 'lokaal' ? 'local' : null,
		municipality: municipality && /^[a-z0-9-]+$/.test(municipality) ? municipality : null,
		lead: text('trekker'),
		tag: text('doelgroep', 200),
		year: Number.isInteger(year) && year >= 1900 && year <= 2200 ? year : null,
		mine: params.get('mijn') === '1',
		showDropped: params.get('verlaten') === '1',
		focus: Number.isInteger(focus) && focus >= 1900 && focus <= 2200 ? focus : null
	};
}

/** A filter → its canonical query string (without '?'), so equal views have equal links. */
export function boardSearch(filter: Partial<BoardFilter>): string {
	const params = new URLSearchParams();
	if (filter.themeId) params.set('thema', filter.themeId);
	if (filter.level) params.set('niveau', filter.level === 'regional' ? 'regionaal' : 'lokaal');
	if (filter.municipality) params.set('gemeente', filter.municipality);
	if (filter.lead) params.set('trekker', filter.lead);
	if (filter.tag) params.set('doelgroep', filter.tag);
	if (filter.year) params.set('jaar', String(filter.year));
	if (filter.mine) params.set('mijn', '1');
	if (filter.showDropped) params.set('verlaten', '1');
	if (filter.focus) params.set('focus', String(filter.focus));
	return params.toString();
}

export function isFiltered(filter: BoardFilter): boolean {
	return Boolean(filter.themeId || filter.level || filter.municipality || filter.lead || filter.tag || filter.year || filter.mine || filter.focus);
}

// ------------------------------------------------------------------ roll-up arithmetic

/** 'YYYY-MM' of a moment, in Dutch time (the month a meeting in the region is in). */
export function monthOf(date: Date): string {
	const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit' }).formatToParts(date);
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return `${get('year')}-${get('month')}`;
}

export interface RollUpAction {
	status: Status;
	/** 'YYYY-MM', 'ongoing' or null */
	planningEnd: string | null;
	adoption: { active: number; total: number } | null;
}

/**
 * Past its planned end: the end month lies before `today` ('YYYY-MM') and the
 * action is still open. Finished, continuous and dropped actions never are.
 */
export function isOverdue(action: Pick<RollUpAction, 'status' | 'planningEnd'>, today: string): boolean {
	if (action.status === 'done' || action.status === 'ongoing' || action.status === 'dropped') return false;
	if (!action.planningEnd || action.planningEnd === 'ongoing') return false;
	return action.planningEnd < today;
}

/**
 * Whole percentages per status that add up to exactly 100 (largest remainder),
 * so a legend never reads 99 % or 101 %. All zeros for an empty set.
 */
export function sharesOf(counts: Record<Status, number>): Record<Status, number> {
	const total = STATUSES.reduce((sum, s) => sum + counts[s], 0);
	const shares = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
	if (total === 0) return shares;
	const exact = STATUSES.map((s) => ({ s, value: (counts[s] * 100) / total }));
	for (const e of exact) shares[e.s] = Math.floor(e.value);
	let left = 100 - STATUSES.reduce((sum, s) => sum + shares[s], 0);
	const byRemainder = [...exact].sort((a, b) => b.value - Math.floor(b.value) - (a.value - Math.floor(a.value)));
	for (const e of byRemainder) {
		if (left <= 0) break;
		if (e.value === 0) continue;
		shares[e.s] += 1;
		left -= 1;
	}
	return shares;
}

export interface RollUp {
	total: number;
	counts: Record<Status, number>;
	/** whole percentages, summing to 100 (or all 0) */
	shares: Record<Status, number>;
	/** share finished (done) of the actions that still count (all but dropped), 0–100 */
	donePercent: number;
	overdue: number;
	/** local actions of a regional plan: gemeente × action cells in progress / done / ongoing, of all cells */
	coverage: { active: number; total: number; percent: number } | null;
}

export function rollUp(actions: readonly RollUpAction[], today: string): RollUp {
	const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
	let overdue = 0;
	let coverageActive = 0;
	let coverageTotal = 0;
	let withAdoption = false;
	for (const a of actions) {
		counts[a.status] += 1;
		if (isOverdue(a, today)) overdue += 1;
		if (a.adoption) {
			withAdoption = true;
			coverageActive += a.adoption.active;
			coverageTotal += a.adoption.total;
		}
	}
	const counting = actions.length - counts.dropped;
	return {
		total: actions.length,
		counts,
		shares: sharesOf(counts),
		donePercent: counting > 0 ? Math.round((counts.done * 100) / counting) : 0,
		overdue,
		coverage: withAdoption
			? { active: coverageActive, total: coverageTotal, percent: coverageTotal > 0 ? Math.round((coverageActive * 100) / coverageTotal) : 0 }
			: null
	};
}

/** Does a planning 'YYYY-MM'..'YYYY-MM'|'ongoing' touch the given year? Unplanned actions never do. */
export function coversYear(start: string | null, end: string | null, year: number): boolean {
	if (!start && !end) return false;
	const from = start ? Number(start.slice(0, 4)) : Number(end!.slice(0, 4));
	const to = !end ? from : end === 'ongoing' ? Infinity : Number(end.slice(0, 4));
	return from <= year && year <= to;
}

/**
 * Where an action lands when placed between two neighbours of its theme
 * (positions are reals). null when there is no room left between them and
 * the theme's positions must be renumbered first.
 */
export function positionBetween(prev: number | null, next: number | null): number | null {
	if (prev === null && next === null) return 1;
	if (prev === null) return next! - 1;
	if (next === null) return prev + 1;
	const mid = (prev + next) / 2;
	return mid > prev && mid < next && next - prev > 1e-9 ? mid : null;
}

// ------------------------------------------------------------------ the query

export interface BoardCard {
	id: string;
	title: string;
	status: Status;
	level: ActionLevel;
	lead: string | null;
	planningStart: string | null;
	planningEnd: string | null;
	tags: string[];
	position: number;
	overdue: boolean;
	/** local actions of a regional plan: gemeenten active, of all */
	adoption: { active: number; total: number } | null;
	/** with a gemeente filter: that gemeente's own status on this local action */
	localStatus: Status | null;
	/** open comment threads on the action */
	openThreads: number;
	documentName: string;
	/** an evaluation decided "versterken" and no editor cleared the mark yet */
	flagged?: boolean;
}

export interface BoardLane {
	id: string;
	number: string | null;
	title: string;
	chapterTitle: string | null;
	canEdit: boolean;
	ambassadors: string[];
	/** query string of this theme's own board, with the other filters kept */
	query: string;
	/** every status, `dropped` included (the page hides it unless asked) */
	columns: Record<Status, BoardCard[]>;
	rollUp: RollUp;
}

export interface MunicipalityCoverage {
	id: string;
	slug: string;
	name: string;
	active: number;
	total: number;
	percent: number;
	/** query string of the board filtered to this gemeente */
	query: string;
}

export interface Board {
	plan: {
		id: string;
		title: string;
		scope: PlanScope;
		regionName: string;
		municipalityName: string | null;
		periodStart: number;
		periodEnd: number;
		themeWord: string;
	};
	filter: BoardFilter;
	/** the canonical query string of `filter` */
	query: string;
	today: string;
	lanes: BoardLane[];
	rollUp: RollUp;
	/** regional plans with local actions: per gemeente, its local actions under way (unfiltered) */
	municipalities: MunicipalityCoverage[];
	options: {
		themes: { id: string; number: string | null; title: string }[];
		municipalities: { slug: string; name: string }[];
		leads: string[];
		tags: string[];
		years: number[];
	};
	canEditAny: boolean;
}

const collator = new Intl.Collator('nl');

function parseTags(json: string): string[] {
	try {
		const value: unknown = JSON.parse(json);
		return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
	} catch {
		return [];
	}
}

/**
 * The board of a plan as `roles` may see it, or null when the plan does not
 * exist or is not theirs to read. A theme filter that points nowhere yields
 * no lanes (the page says so) rather than an error.
 */
export async function getBoard(
	db: Db,
	input: { planId: string; roles: UserRoles; userId: string; userName: string; filter: BoardFilter; today: string }
): Promise<Board | null> {
	const { planId, roles, filter, today } = input;
	const plan = await getPlan(db, planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) return null;
	const [chapters, themes, ambassadors, actions, adoption, municipalities, threads] = await Promise.all([
		db.selectFrom('chapters').select(['id', 'title']).where('plan_id', '=', planId).where('archived_at', 'is', null).execute(),
		db
			.selectFrom('themes')
			.select(['id', 'chapter_id', 'number', 'title'])
			.where('plan_id', '=', planId)
			.where('archived_at', 'is', null)
			.orderBy('position')
			.execute(),
		db
			.selectFrom('theme_ambassadors as ta')
			.innerJoin('themes as t', 't.id', 'ta.theme_id')
			.innerJoin('users as u', 'u.id', 'ta.user_id')
			.select(['ta.theme_id', 'u.name'])
			.where('t.plan_id', '=', planId)
			.orderBy('u.name')
			.execute(),
		db
			.selectFrom('actions')
			.select(['id', 'theme_id', 'title', 'status', 'level', 'position', 'planning_start', 'planning_end', 'lead', 'tags', 'municipality_id'])
			.where('plan_id', '=', planId)
			.where('archived_at', 'is', null)
			.orderBy('position')
			.execute(),
		db
			.selectFrom('local_adoptions as la')
			.innerJoin('actions as a', 'a.id', 'la.action_id')
			.select(['la.action_id', 'la.municipality_id', 'la.status'])
			.where('a.plan_id', '=', planId)
			.where('a.archived_at', 'is', null)
			.execute(),
		plan.scope === 'region'
			? db.selectFrom('municipalities').select(['id', 'slug', 'name']).where('region_id', '=', plan.regionId).execute()
			: Promise.resolve([]),
		db
			.selectFrom('threads')
			.select((eb) => ['target_id', eb.fn.countAll<number>().as('n')])
			.where('plan_id', '=', planId)
			.where('target_kind', '=', 'action')
			.where('status', '=', 'open')
			.groupBy('target_id')
			.execute()
	]);
	const threadsByAction = new Map(threads.map((t) => [t.target_id, Number(t.n)]));
	const flags = await activeFlags(db, planId);
	const focus = filter.focus ? await focusSet(db, planId, filter.focus) : null;

	// Per action: gemeenten active / total; per gemeente: local actions active / total.
	const adoptionByAction = new Map<string, { active: number; total: number }>();
	const byMunicipality = new Map<string, { active: number; total: number }>();
	const statusFor = new Map<string, Status>();
	const municipalityBySlug = new Map(municipalities.map((mu) => [mu.slug, mu]));
	const chosenMunicipality = filter.municipality ? municipalityBySlug.get(filter.municipality) ?? null : null;
	for (const row of adoption) {
		const active = ACTIVE_LOCAL.includes(row.status) ? 1 : 0;
		const a = adoptionByAction.get(row.action_id) ?? { active: 0, total: 0 };
		a.active += active;
		a.total += 1;
		adoptionByAction.set(row.action_id, a);
		const mu = byMunicipality.get(row.municipality_id) ?? { active: 0, total: 0 };
		mu.active += active;
		mu.total += 1;
		byMunicipality.set(row.municipality_id, mu);
		if (chosenMunicipality && row.municipality_id === chosenMunicipality.id) statusFor.set(row.action_id, row.status);
	}

	const myThemes = new Set(themes.filter((t) => roles.ambassadorOf.has(t.id)).map((t) => t.id));
	const myMunicipalities = new Set(roles.municipalEditor.keys());
	const myMunicipalityAdoptions = new Set(adoption.filter((r) => myMunicipalities.has(r.municipality_id)).map((r) => r.action_id));
	const ownPlan = plan.scope === 'municipality' && plan.municipalityId !== null && myMunicipalities.has(plan.municipalityId);
	const myName = input.userName.toLocaleLowerCase('nl');
	const isMine = (a: (typeof actions)[number]) =>
		ownPlan ||
		myThemes.has(a.theme_id) ||
		myMunicipalityAdoptions.has(a.id) ||
		(a.municipality_id !== null && myMunicipalities.has(a.municipality_id)) ||
		(myName.length > 2 && (a.lead ?? '').toLocaleLowerCase('nl').includes(myName));

	const leads = new Set<string>();
	const tags = new Set<string>();
	let minYear = plan.periodStart;
	let maxYear = plan.periodEnd;
	const cards: { themeId: string; card: BoardCard }[] = [];
	for (const a of actions) {
		const actionTags = parseTags(a.tags);
		if (a.lead) leads.add(a.lead);
		for (const t of actionTags) tags.add(t);
		for (const month of [a.planning_start, a.planning_end]) {
			if (month && month !== 'ongoing') {
				const y = Number(month.slice(0, 4));
				if (y < minYear) minYear = y;
				if (y > maxYear) maxYear = y;
			}
		}
		if (filter.themeId && a.theme_id !== filter.themeId) continue;
		if (filter.level && a.level !== filter.level) continue;
		// a gemeente's local actions (its own status shown), and the actions whose card names it
		if (filter.municipality && !statusFor.has(a.id) && !(chosenMunicipality && a.municipality_id === chosenMunicipality.id)) continue;
		if (filter.lead && a.lead !== filter.lead) continue;
		if (filter.tag && !actionTags.includes(filter.tag)) continue;
		if (filter.year && !coversYear(a.planning_start, a.planning_end, filter.year)) continue;
		if (filter.mine && !isMine(a)) continue;
		if (focus && !inFocus({ id: a.id, themeId: a.theme_id }, focus)) continue;
		const card: BoardCard = {
			id: a.id,
			title: a.title,
			status: a.status,
			level: a.level,
			lead: a.lead,
			planningStart: a.planning_start,
			planningEnd: a.planning_end,
			tags: actionTags,
			position: a.position,
			overdue: isOverdue({ status: a.status, planningEnd: a.planning_end }, today),
			adoption: a.level === 'local' ? adoptionByAction.get(a.id) ?? null : null,
			localStatus: statusFor.get(a.id) ?? null,
			openThreads: threadsByAction.get(a.id) ?? 0,
			documentName: docName({ kind: 'action', id: a.id }),
			flagged: flags.has(a.id)
		};
		cards.push({ themeId: a.theme_id, card });
	}

	const chapterTitle = new Map(chapters.map((c) => [c.id, c.title]));
	const lanes: BoardLane[] = [];
	const laneById = new Map<string, BoardLane>();
	for (const t of themes) {
		if (filter.themeId && t.id !== filter.themeId) continue;
		const lane: BoardLane = {
			id: t.id,
			number: t.number,
			title: t.title,
			chapterTitle: (t.chapter_id && chapterTitle.get(t.chapter_id)) || null,
			canEdit: canEditTheme(roles, plan, t.id),
			ambassadors: ambassadors.filter((a) => a.theme_id === t.id).map((a) => a.name),
			query: boardSearch({ ...filter, themeId: t.id }),
			columns: Object.fromEntries(STATUSES.map((s) => [s, []])) as unknown as Record<Status, BoardCard[]>,
			rollUp: rollUp([], today)
		};
		lanes.push(lane);
		laneById.set(t.id, lane);
	}
	for (const { themeId, card } of cards) laneById.get(themeId)?.columns[card.status].push(card);
	const all: BoardCard[] = [];
	// With a gemeente chosen, coverage is that gemeente's own: its local actions under way.
	const counted = (c: BoardCard): RollUpAction =>
		chosenMunicipality
			? { ...c, adoption: c.localStatus ? { active: ACTIVE_LOCAL.includes(c.localStatus) ? 1 : 0, total: 1 } : null }
			: c;
	for (const lane of lanes) {
		const laneCards = STATUSES.flatMap((s) => lane.columns[s]);
		lane.rollUp = rollUp(laneCards.map(counted), today);
		all.push(...laneCards);
	}
	// With any filter but the theme, empty swimlanes are noise.
	const shownLanes = isFiltered({ ...filter, themeId: null }) ? lanes.filter((l) => l.rollUp.total > 0) : lanes;

	const coverage: MunicipalityCoverage[] = municipalities
		.map((mu) => {
			const c = byMunicipality.get(mu.id) ?? { active: 0, total: 0 };
			return {
				...mu,
				...c,
				percent: c.total ? Math.round((c.active * 100) / c.total) : 0,
				query: boardSearch({ ...filter, municipality: mu.slug })
			};
		})
		.filter((mu) => mu.total > 0)
		.sort((a, b) => collator.compare(a.name, b.name));

	const effective: BoardFilter = { ...filter, municipality: chosenMunicipality ? filter.municipality : null };
	const years: number[] = [];
	for (let y = minYear; y <= maxYear && years.length < 30; y++) years.push(y);

	return {
		plan: {
			id: plan.id,
			title: plan.title,
			scope: plan.scope,
			regionName: plan.regionName,
			municipalityName: plan.municipalityName,
			periodStart: plan.periodStart,
			periodEnd: plan.periodEnd,
			themeWord: plan.levels.theme
		},
		filter: effective,
		query: boardSearch(effective),
		today,
		lanes: shownLanes,
		rollUp: rollUp(all.map(counted), today),
		municipalities: coverage,
		options: {
			themes: themes.map((t) => ({ id: t.id, number: t.number, title: t.title })),
			municipalities: coverage.map((mu) => ({ slug: mu.slug, name: mu.name })),
			leads: [...leads].sort(collator.compare),
			tags: [...tags].sort(collator.compare),
			years
		},
		canEditAny: lanes.some((l) => l.canEdit)
	};
}

// ------------------------------------------------------------------ moving a card

export interface MoveTarget {
	actionId: string;
	status: Status;
	/** place right after this action of the same theme … */
	afterId?: string;
	/** … or right before this one; neither: keep the position */
	beforeId?: string;
}

/**
 * The new position of a moved action among its theme's actions, renumbering
 * the theme first when two neighbours are too close to fit anything between.
 * Returns null when the neighbour is not an action of the same theme.
 */
export async function placeAction(db: Db, themeId: string, target: MoveTarget): Promise<number | null> {
	const neighbourId = target.afterId ?? target.beforeId;
	if (!neighbourId || neighbourId === target.actionId) return null;
	for (let attempt = 0; attempt < 2; attempt++) {
		const rows = await db
			.selectFrom('actions')
			.select(['id', 'position'])
			.where('theme_id', '=', themeId)
			.where('archived_at', 'is', null)
			.where('id', '!=', target.actionId)
			.orderBy('position')
			.execute();
		const index = rows.findIndex((r) => r.id === neighbourId);
		if (index < 0) return null;
		const prev = target.afterId ? rows[index].position : index > 0 ? rows[index - 1].position : null;
		const next = target.afterId ? (rows[index + 1]?.position ?? null) : rows[index].position;
		const position = positionBetween(prev, next);
		if (position !== null) return position;
		await db.transaction().execute(async (trx) => {
			for (const [i, r] of rows.entries()) await trx.updateTable('actions').set({ position: i + 1 }).where('id', '=', r.id).execute();
		});
	}
	return null;
}

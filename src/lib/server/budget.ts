import type { Db } from './db.ts';

/**
 * The budget overview of a plan: its live funding sources (dekkingsbronnen) with
 * the amounts per year, what the plan's live actions cost against each source,
 * and the same money rolled up per theme, per gemeente and per year.
 *
 * Counting rules (each a test in budget.test.ts):
 *  - A source's figure for a year is its own amount when it has one, else the sum
 *    of its parts' figures for that year (DU Vrouwenopvang as a whole, or the sum
 *    of its subregions) — never both, so nothing is counted twice.
 *  - The regional total counts only regional sources that are not a part of
 *    another; the local total likewise for local sources. A gemeente's own money
 *    is never added to the regional DU figure.
 *  - Per gemeente: its local sources (the highest one of that gemeente in each
 *    branch) and the costs of the actions that name it.
 *  - Costs count in the year an action's planning starts; actions without a
 *    planned start are counted apart (`costUnplanned`).
 *  - Archived actions, actions in archived themes and archived sources are left
 *    out; an action paid from an archived source counts as without funding.
 */

export interface BudgetSource {
	id: string;
	name: string;
	scope: 'regional' | 'local';
	note: string | null;
	parentId: string | null;
	/** 0 for a source that is not a part of another, 1 for its parts, … */
	depth: number;
	municipalityId: string | null;
	municipalityName: string | null;
	/** the source's own amount per year, as the plan names them */
	amounts: Record<number, number>;
	/** what counts for the source per year: its own amount, else the sum of its parts */
	figures: Record<number, number>;
	total: number;
	/** live actions that name this source */
	actions: { id: string; title: string; cost: number | null }[];
	/** the sum of their costs (actions without a cost count as 0) */
	allocated: number;
}

export interface BudgetTheme {
	id: string;
	number: string | null;
	title: string;
	actions: number;
	cost: number;
	funded: number;
	unfunded: number;
}

export interface BudgetMunicipality {
	id: string;
	name: string;
	budget: number;
	cost: number;
	actions: number;
}

export interface BudgetYear {
	year: number;
	regional: number;
	local: number;
	/** costs of live actions whose planning starts in this year */
	cost: number;
}

export interface Budget {
	years: number[];
	/** parents first, each followed by its parts */
	sources: BudgetSource[];
	/** actions with a cost but no (live) funding source */
	unfunded: { id: string; title: string; cost: number }[];
	themes: BudgetTheme[];
	municipalities: BudgetMunicipality[];
	perYear: BudgetYear[];
	/** costs of actions with a cost but no planned start */
	costUnplanned: number;
	/** budget: the regional total (regional sources only); local: the local sources' total */
	totals: { budget: number; local: number; allocated: number; unfunded: number };
}

const startYear = (planningStart: string | null): number | null => {
	const match = planningStart ? /^(\d{4})/.exec(planningStart) : null;
	return match ? Number(match[1]) : null;
};

export async function getBudget(db: Db, planId: string): Promise<Budget> {
	const [sources, amounts, actions, themes, municipalities] = await Promise.all([
		db
			.selectFrom('funding_sources as fs')
			.leftJoin('municipalities as mu', 'mu.id', 'fs.municipality_id')
			.select(['fs.id', 'fs.name', 'fs.scope', 'fs.note', 'fs.parent_id', 'fs.municipality_id', 'mu.name as municipalityName'])
			.where('fs.plan_id', '=', planId)
			.where('fs.archived_at', 'is', null)
			.orderBy('fs.scope', 'desc')
			.orderBy('fs.name')
			.execute(),
		db
			.selectFrom('funding_amounts as fa')
			.innerJoin('funding_sources as fs', 'fs.id', 'fa.funding_source_id')
			.select(['fa.funding_source_id', 'fa.year', 'fa.amount'])
			.where('fs.plan_id', '=', planId)
			.where('fs.archived_at', 'is', null)
			.execute(),
		db
			.selectFrom('actions as a')
			.innerJoin('themes as t', 't.id', 'a.theme_id')
			.select(['a.id', 'a.title', 'a.cost_amount', 'a.funding_source_id', 'a.theme_id', 'a.municipality_id', 'a.planning_start'])
			.where('a.plan_id', '=', planId)
			.where('a.archived_at', 'is', null)
			.where('t.archived_at', 'is', null)
			.orderBy('a.position')
			.execute(),
		db
			.selectFrom('themes as t')
			.leftJoin('chapters as c', 'c.id', 't.chapter_id')
			.select(['t.id', 't.number', 't.title'])
			.where('t.plan_id', '=', planId)
			.where('t.archived_at', 'is', null)
			.orderBy('c.position')
			.orderBy('t.position')
			.execute(),
		db
			.selectFrom('municipalities as mu')
			.innerJoin('plans as p', 'p.region_id', 'mu.region_id')
			.select(['mu.id', 'mu.name'])
			.where('p.id', '=', planId)
			.orderBy('mu.name')
			.execute()
	]);

	const live = new Set(sources.map((s) => s.id));
	// a part whose parent is not live (archived, or another plan's) stands on its own
	const parentOf = (s: { parent_id: string | null }) => (s.parent_id && live.has(s.parent_id) ? s.parent_id : null);
	const partsOf = new Map<string | null, typeof sources>();
	for (const s of sources) partsOf.set(parentOf(s), [...(partsOf.get(parentOf(s)) ?? []), s]);
	const own = new Map<string, Map<number, number>>();
	for (const a of amounts) {
		if (!own.has(a.funding_source_id)) own.set(a.funding_source_id, new Map());
		own.get(a.funding_source_id)!.set(a.year, a.amount);
	}
	const years = [...new Set([...amounts.map((a) => a.year), ...actions.map((a) => startYear(a.planning_start)).filter((y): y is number => y !== null)])].sort(
		(a, b) => a - b
	);

	// figures bottom-up; `visiting` guards against a cycle that bad data could hold
	const figures = new Map<string, Map<number, number>>();
	const visiting = new Set<string>();
	function figuresOf(id: string): Map<number, number> {
		const done = figures.get(id);
		if (done) return done;
		const result = new Map(own.get(id) ?? []);
		if (!visiting.has(id)) {
			visiting.add(id);
			const sums = new Map<number, number>();
			for (const part of partsOf.get(id) ?? []) for (const [year, amount] of figuresOf(part.id)) sums.set(year, (sums.get(year) ?? 0) + amount);
			for (const [year, sum] of sums) if (!result.has(year)) result.set(year, sum);
			visiting.delete(id);
		}
		figures.set(id, result);
		return result;
	}

	const list: BudgetSource[] = [];
	const seen = new Set<string>();
	function add(s: (typeof sources)[number], depth: number) {
		if (seen.has(s.id)) return;
		seen.add(s.id);
		const funded = actions.filter((a) => a.funding_source_id === s.id);
		const fig = figuresOf(s.id);
		list.push({
			id: s.id,
			name: s.name,
			scope: s.scope,
			note: s.note,
			parentId: parentOf(s),
			depth,
			municipalityId: s.municipality_id,
			municipalityName: s.municipalityName,
			amounts: Object.fromEntries(own.get(s.id) ?? []),
			figures: Object.fromEntries(fig),
			total: [...fig.values()].reduce((sum, a) => sum + a, 0),
			actions: funded.map((a) => ({ id: a.id, title: a.title, cost: a.cost_amount })),
			allocated: funded.reduce((sum, a) => sum + (a.cost_amount ?? 0), 0)
		});
		for (const part of partsOf.get(s.id) ?? []) add(part, depth + 1);
	}
	for (const root of partsOf.get(null) ?? []) add(root, 0);
	// sources caught in a cycle have no root; list them on their own
	for (const s of sources) add(s, 0);

	const roots = list.filter((s) => s.depth === 0);
	const unfunded = actions
		.filter((a) => a.cost_amount !== null && a.cost_amount > 0 && (a.funding_source_id === null || !live.has(a.funding_source_id)))
		.map((a) => ({ id: a.id, title: a.title, cost: a.cost_amount! }));

	const byId = new Map(list.map((s) => [s.id, s]));
	// per gemeente: its source highest in each branch, so a part of the same gemeente's source is not counted again
	const municipalityRows: BudgetMunicipality[] = municipalities.map((mu) => {
		const ownSources = list.filter((s) => s.scope === 'local' && s.municipalityId === mu.id);
		const counted = ownSources.filter((s) => {
			for (let at = s.parentId, steps = 0; at && steps <= list.length; at = byId.get(at)?.parentId ?? null, steps++) {
				if (byId.get(at)?.municipalityId === mu.id) return false;
			}
			return true;
		});
		const its = actions.filter((a) => a.municipality_id === mu.id);
		return {
			id: mu.id,
			name: mu.name,
			budget: counted.reduce((sum, s) => sum + s.total, 0),
			cost: its.reduce((sum, a) => sum + (a.cost_amount ?? 0), 0),
			actions: its.length
		};
	});

	const themeRows: BudgetTheme[] = themes.map((t) => {
		const its = actions.filter((a) => a.theme_id === t.id);
		const cost = its.reduce((sum, a) => sum + (a.cost_amount ?? 0), 0);
		const funded = its.filter((a) => a.funding_source_id !== null && live.has(a.funding_source_id)).reduce((sum, a) => sum + (a.cost_amount ?? 0), 0);
		return { id: t.id, number: t.number, title: t.title, actions: its.length, cost, funded, unfunded: cost - funded };
	});

	const perYear: BudgetYear[] = years.map((year) => ({
		year,
		regional: roots.filter((s) => s.scope === 'regional').reduce((sum, s) => sum + (s.figures[year] ?? 0), 0),
		local: roots.filter((s) => s.scope === 'local').reduce((sum, s) => sum + (s.figures[year] ?? 0), 0),
		cost: actions.filter((a) => startYear(a.planning_start) === year).reduce((sum, a) => sum + (a.cost_amount ?? 0), 0)
	}));

	return {
		years,
		sources: list,
		unfunded,
		themes: themeRows,
		municipalities: municipalityRows,
		perYear,
		costUnplanned: actions.filter((a) => startYear(a.planning_start) === null).reduce((sum, a) => sum + (a.cost_amount ?? 0), 0),
		totals: {
			budget: roots.filter((s) => s.scope === 'regional').reduce((sum, s) => sum + s.total, 0),
			local: roots.filter((s) => s.scope === 'local').reduce((sum, s) => sum + s.total, 0),
			allocated: list.reduce((sum, s) => sum + s.allocated, 0),
			unfunded: unfunded.reduce((sum, a) => sum + a.cost, 0)
		}
	};
}

/** Sets a funding source's amount for a year (whole euros), replacing the one there was. */
export async function setFundingAmount(db: Db, input: { sourceId: string; year: number; amount: number }): Promise<void> {
	await db
		.insertInto('funding_amounts')
		.values({ funding_source_id: input.sourceId, year: input.year, amount: input.amount })
		.onConflict((oc) => oc.columns(['funding_source_id', 'year']).doUpdateSet({ amount: input.amount }))
		.execute();
}

/** Removes a funding source's amount for a year; true when there was one. */
export async function removeFundingAmount(db: Db, input: { sourceId: string; year: number }): Promise<boolean> {
	const result = await db.deleteFrom('funding_amounts').where('funding_source_id', '=', input.sourceId).where('year', '=', input.year).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

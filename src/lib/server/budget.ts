import type { Db } from './db.ts';

/**
 * The budget overview of a plan: its funding sources (dekkingsbronnen) with
 * the amounts per year the documents name, and what the plan's live actions
 * cost against each source; actions with a cost but no source stand apart.
 */

export interface BudgetSource {
	id: string;
	name: string;
	scope: 'regional' | 'local';
	note: string | null;
	/** amount per year, as the plan names them */
	amounts: Record<number, number>;
	total: number;
	/** live actions that name this source */
	actions: { id: string; title: string; cost: number | null }[];
	/** the sum of their costs (actions without a cost count as 0) */
	allocated: number;
}

export interface Budget {
	years: number[];
	sources: BudgetSource[];
	/** actions with a cost but no funding source */
	unfunded: { id: string; title: string; cost: number }[];
	totals: { budget: number; allocated: number; unfunded: number };
}

export async function getBudget(db: Db, planId: string): Promise<Budget> {
	const [sources, amounts, actions] = await Promise.all([
		db.selectFrom('funding_sources').select(['id', 'name', 'scope', 'note']).where('plan_id', '=', planId).orderBy('scope').orderBy('name').execute(),
		db
			.selectFrom('funding_amounts as fa')
			.innerJoin('funding_sources as fs', 'fs.id', 'fa.funding_source_id')
			.select(['fa.funding_source_id', 'fa.year', 'fa.amount'])
			.where('fs.plan_id', '=', planId)
			.execute(),
		db
			.selectFrom('actions')
			.select(['id', 'title', 'cost_amount', 'funding_source_id'])
			.where('plan_id', '=', planId)
			.where('archived_at', 'is', null)
			.orderBy('position')
			.execute()
	]);
	const years = [...new Set(amounts.map((a) => a.year))].sort((a, b) => a - b);
	const list: BudgetSource[] = sources.map((s) => {
		const own = amounts.filter((a) => a.funding_source_id === s.id);
		const funded = actions.filter((a) => a.funding_source_id === s.id);
		return {
			id: s.id,
			name: s.name,
			scope: s.scope,
			note: s.note,
			amounts: Object.fromEntries(own.map((a) => [a.year, a.amount])),
			total: own.reduce((sum, a) => sum + a.amount, 0),
			actions: funded.map((a) => ({ id: a.id, title: a.title, cost: a.cost_amount })),
			allocated: funded.reduce((sum, a) => sum + (a.cost_amount ?? 0), 0)
		};
	});
	const known = new Set(sources.map((s) => s.id));
	const unfunded = actions
		.filter((a) => a.cost_amount !== null && a.cost_amount > 0 && (a.funding_source_id === null || !known.has(a.funding_source_id)))
		.map((a) => ({ id: a.id, title: a.title, cost: a.cost_amount! }));
	return {
		years,
		sources: list,
		unfunded,
		totals: {
			budget: list.reduce((sum, s) => sum + s.total, 0),
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

import { parsePlanWords, type PlanWords } from '../level-words.ts';
import type { Db } from './db.ts';

/** Each plan's own level words, by plan id; one query for all the plans a list shows. */
export async function planWordsById(db: Db, planIds: Iterable<string>): Promise<Map<string, PlanWords>> {
	const ids = [...new Set(planIds)];
	if (ids.length === 0) return new Map();
	const rows = await db.selectFrom('plans').select(['id', 'levels']).where('id', 'in', ids).execute();
	return new Map(rows.map((r) => [r.id, parsePlanWords(r.levels)]));
}

import { canReadRegion, type UserRoles } from './access.ts';
import type { Db } from './db.ts';

/**
 * The passages of a plan's theme texts that have open anchored threads, for
 * the plan page to mark. The plan page shows a theme's text as plain text
 * (`themes.text`, the sections joined), so a passage is found there by the
 * thread's `quote`, not by its Yjs positions. Only threads the reader may
 * see: the plan's region must be readable, as for every thread (see
 * thread.ts), and threads on archived themes or into a section the plan no
 * longer has are left out, as the thread list leaves them out.
 */

export interface OpenPassage {
	threadId: string;
	quote: string;
}

/** theme id → its open passages, oldest thread first; empty when the plan is not readable. */
export async function openThemePassages(db: Db, roles: UserRoles, planId: string): Promise<Record<string, OpenPassage[]>> {
	const plan = await db
		.selectFrom('plans')
		.select(['region_id', 'theme_sections'])
		.where('id', '=', planId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!plan || !canReadRegion(roles, plan.region_id)) return {};
	const sections = new Set((JSON.parse(plan.theme_sections) as { key: string }[]).map((s) => s.key));
	const rows = await db
		.selectFrom('threads as th')
		.innerJoin('themes as t', 't.id', 'th.target_id')
		.select(['th.id', 'th.target_id', 'th.field', 'th.quote'])
		.where('th.plan_id', '=', planId)
		.where('th.target_kind', '=', 'theme')
		.where('th.status', '=', 'open')
		.where('th.quote', 'is not', null)
		.where('th.anchor_start', 'is not', null)
		.where('th.anchor_end', 'is not', null)
		.where('t.archived_at', 'is', null)
		.orderBy('th.created_at')
		.orderBy('th.id')
		.execute();
	const byTheme: Record<string, OpenPassage[]> = {};
	for (const row of rows) {
		if (!row.field || !sections.has(row.field) || !row.quote?.trim()) continue;
		(byTheme[row.target_id] ??= []).push({ threadId: row.id, quote: row.quote });
	}
	return byTheme;
}

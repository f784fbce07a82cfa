import { sql } from 'kysely';
import { MARK_END, MARK_START } from '../search-marks.ts';
import { canReadRegion, type UserRoles } from './access.ts';
import type { Db } from './db.ts';

/**
 * Search over plans, themes and actions (the FTS5 table of migration 0010),
 * limited to the regions the reader can read. People type words, not FTS
 * syntax: every word becomes a quoted prefix term, all of them required.
 */

export type SearchKind = 'plan' | 'theme' | 'action';

export interface SearchHit {
	kind: SearchKind;
	id: string;
	planId: string;
	planTitle: string;
	/** with MARK_START / MARK_END around the matched words */
	title: string;
	snippet: string;
}

export const MAX_QUERY = 200;

/** The FTS5 query for what someone typed: `"word"*` per word (at most 8); null when there is no word. */
export function ftsQuery(input: string): string | null {
	const words = input.normalize('NFC').slice(0, MAX_QUERY).match(/[\p{L}\p{N}]+/gu) ?? [];
	if (!words.length) return null;
	return words
		.slice(0, 8)
		.map((w) => `"${w}"*`)
		.join(' ');
}

export async function search(db: Db, roles: UserRoles, input: string, limit = 50): Promise<SearchHit[]> {
	const query = ftsQuery(input);
	if (!query) return [];
	const { rows } = await sql<{
		kind: SearchKind;
		id: string;
		plan_id: string;
		plan_title: string;
		region_id: string;
		title: string;
		snippet: string;
	}>`
		select s.kind, s.id, s.plan_id, p.title as plan_title, p.region_id,
			highlight(search_index, 3, ${MARK_START}, ${MARK_END}) as title,
			snippet(search_index, 4, ${MARK_START}, ${MARK_END}, '…', 18) as snippet
		from search_index s
		join plans p on p.id = s.plan_id and p.archived_at is null
		left join actions a on s.kind = 'action' and a.id = s.id
		left join themes t on t.id = a.theme_id
		where search_index match ${query} and (t.id is null or t.archived_at is null)
		order by rank
		limit 500
	`.execute(db);
	return rows
		.filter((r) => canReadRegion(roles, r.region_id))
		.slice(0, limit)
		.map((r) => ({ kind: r.kind, id: r.id, planId: r.plan_id, planTitle: r.plan_title, title: r.title, snippet: r.snippet }));
}

import { sql } from 'kysely';
import { MARK_END, MARK_START } from '../search-marks.ts';
import { canReadRegion, type UserRoles } from './access.ts';
import { isPostgres, type Db } from './db.ts';

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

/** The words of a query as typed (at most 8). */
function queryWords(input: string): string[] {
	return (input.normalize('NFC').slice(0, MAX_QUERY).match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

/** The FTS5 query for what someone typed: `"word"*` per word (at most 8); null when there is no word. */
export function ftsQuery(input: string): string | null {
	const words = queryWords(input);
	return words.length ? words.map((w) => `"${w}"*`).join(' ') : null;
}

/** The same on PostgreSQL: `word:*` per word, all required (the words hold only letters and digits). */
export function tsQuery(input: string): string | null {
	const words = queryWords(input);
	return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

interface SearchRow {
	kind: SearchKind;
	id: string;
	plan_id: string;
	plan_title: string;
	region_id: string;
	title: string;
	snippet: string;
}

/** PostgreSQL: the tsvector of migration 0010, ts_headline for the same marks as FTS5's highlight and snippet. */
async function searchRowsPostgres(db: Db, input: string): Promise<SearchRow[]> {
	const query = tsQuery(input);
	if (!query) return [];
	const marks = `StartSel=${MARK_START}, StopSel=${MARK_END}`;
	const { rows } = await sql<SearchRow>`
		select s.kind, s.id, s.plan_id, p.title as plan_title, p.region_id,
			ts_headline('kring_search', s.title, q, ${`${marks}, HighlightAll=true`}) as title,
			ts_headline('kring_search', s.body, q, ${`${marks}, MaxFragments=1, MaxWords=18, MinWords=6, ShortWord=0, FragmentDelimiter=…`}) as snippet
		from search_index s
		cross join to_tsquery('kring_search', ${query}) q
		join plans p on p.id = s.plan_id and p.archived_at is null
		left join actions a on s.kind = 'action' and a.id = s.id
		left join themes t on t.id = a.theme_id
		where s.document @@ q and (t.id is null or t.archived_at is null)
		order by ts_rank(s.document, q) desc
		limit 500
	`.execute(db);
	return rows;
}

async function searchRows(db: Db, input: string): Promise<SearchRow[]> {
	if (isPostgres(db)) return searchRowsPostgres(db, input);
	const query = ftsQuery(input);
	if (!query) return [];
	const { rows } = await sql<SearchRow>`
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
	return rows;
}

export async function search(db: Db, roles: UserRoles, input: string, limit = 50): Promise<SearchHit[]> {
	const rows = await searchRows(db, input);
	return rows
		.filter((r) => canReadRegion(roles, r.region_id))
		.slice(0, limit)
		.map((r) => ({ kind: r.kind, id: r.id, planId: r.plan_id, planTitle: r.plan_title, title: r.title, snippet: r.snippet }));
}

/*
 * People, gemeenten and comment text (issue 15). These are small tables
 * next to the plan text, searched with LIKE per word (every word required,
 * case-insensitive for unaccented letters), and limited to the regions the
 * reader can read: people with a role there, its gemeenten, and comments in
 * its plans. Deleted comments and deactivated accounts are never found.
 */

export interface PersonHit {
	id: string;
	/** with MARK_START / MARK_END around the matched words */
	name: string;
	/** the readable regions the person works in */
	regions: { slug: string; name: string }[];
}

export interface MunicipalityHit {
	id: string;
	name: string;
	region: { slug: string; name: string };
}

export interface CommentHit {
	id: string;
	threadId: string;
	planId: string;
	planTitle: string;
	target: { kind: 'plan' | 'theme' | 'action'; id: string };
	authorName: string;
	createdAt: number;
	/** a window of the comment's text, with MARK_START / MARK_END around the matched words */
	snippet: string;
}

export interface MoreHits {
	people: PersonHit[];
	municipalities: MunicipalityHit[];
	comments: CommentHit[];
}

/** The words typed, lower-cased (at most 8), as FTS does. */
export function searchWords(input: string): string[] {
	return (input.normalize('NFC').slice(0, MAX_QUERY).match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8).map((w) => w.toLocaleLowerCase('nl'));
}

const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function readableRegionIds(roles: UserRoles): string[] {
	return [...new Set([...roles.regionRoles.keys(), ...roles.municipalEditor.values(), ...roles.ambassadorOf.values()])];
}

/** Puts the marks around every occurrence of the words (case-insensitive) in plain text. */
export function markWords(text: string, words: string[]): string {
	if (!words.length) return text;
	const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
	return text.replace(pattern, (found) => `${MARK_START}${found}${MARK_END}`);
}

/** Plain text of a comment (its light Markdown flattened) around the first matched word. */
function commentSnippet(body: string, words: string[], width = 160): string {
	const flat = body
		.replace(/\[([^[\]\n]*)\]\((?:[^\s()]|\([^\s()]*\))*\)/g, '$1')
		.replace(/[*_]{1,2}/g, '')
		.replace(/[\uE000\uE001]/g, '')
		.replace(/\s+/g, ' ')
		.trim();
	const lower = flat.toLocaleLowerCase('nl');
	const first = Math.min(...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0), flat.length);
	const start = Math.max(0, first - Math.floor(width / 3));
	const end = Math.min(flat.length, start + width);
	const window = `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
	return markWords(window, words);
}

export async function searchMore(db: Db, roles: UserRoles, input: string, limit = 20): Promise<MoreHits> {
	const words = searchWords(input);
	const regionIds = readableRegionIds(roles);
	if (!words.length || !regionIds.length) return { people: [], municipalities: [], comments: [] };

	// people with any role in a readable region: region roles, gemeente roles, ambassadors
	let peopleQuery = db
		.selectFrom('users')
		.select(['users.id', 'users.name'])
		.where('users.deactivated_at', 'is', null)
		.where((eb) =>
			eb.or([
				eb.exists(
					eb.selectFrom('region_memberships as rm').select('rm.user_id').whereRef('rm.user_id', '=', 'users.id').where('rm.region_id', 'in', regionIds)
				),
				eb.exists(
					eb
						.selectFrom('municipality_memberships as mm')
						.innerJoin('municipalities as mu', 'mu.id', 'mm.municipality_id')
						.select('mm.user_id')
						.whereRef('mm.user_id', '=', 'users.id')
						.where('mu.region_id', 'in', regionIds)
				),
				eb.exists(
					eb
						.selectFrom('theme_ambassadors as ta')
						.innerJoin('themes as th', 'th.id', 'ta.theme_id')
						.innerJoin('plans as pl', 'pl.id', 'th.plan_id')
						.select('ta.user_id')
						.whereRef('ta.user_id', '=', 'users.id')
						.where('pl.region_id', 'in', regionIds)
				)
			])
		);
	for (const word of words) peopleQuery = peopleQuery.where(sql<boolean>`lower(users.name) like ${likePattern(word)} escape '\\'`);
	const people = await peopleQuery.orderBy('users.name').limit(limit).execute();

	const regionsOf = people.length
		? await db
				.selectFrom('regions')
				.select(['regions.slug', 'regions.name', sql<string>`m.user_id`.as('user_id')])
				.innerJoin(
					(eb) =>
						eb
							.selectFrom('region_memberships')
							.select(['user_id', 'region_id'])
							.union(
								eb
									.selectFrom('municipality_memberships')
									.innerJoin('municipalities', 'municipalities.id', 'municipality_memberships.municipality_id')
									.select(['municipality_memberships.user_id', 'municipalities.region_id'])
							)
							.union(
								eb
									.selectFrom('theme_ambassadors')
									.innerJoin('themes', 'themes.id', 'theme_ambassadors.theme_id')
									.innerJoin('plans', 'plans.id', 'themes.plan_id')
									.select(['theme_ambassadors.user_id', 'plans.region_id'])
							)
							.as('m'),
					(join) => join.onRef('m.region_id', '=', 'regions.id')
				)
				.where('regions.id', 'in', regionIds)
				.where(sql<string>`m.user_id`, 'in', people.map((p) => p.id))
				.orderBy('regions.name')
				.execute()
		: [];

	let municipalityQuery = db
		.selectFrom('municipalities')
		.innerJoin('regions', 'regions.id', 'municipalities.region_id')
		.select(['municipalities.id', 'municipalities.name', 'regions.slug as region_slug', 'regions.name as region_name'])
		.where('municipalities.region_id', 'in', regionIds);
	for (const word of words) municipalityQuery = municipalityQuery.where(sql<boolean>`lower(municipalities.name) like ${likePattern(word)} escape '\\'`);
	const municipalities = await municipalityQuery.orderBy('municipalities.name').limit(limit).execute();

	let commentQuery = db
		.selectFrom('comments')
		.innerJoin('threads', 'threads.id', 'comments.thread_id')
		.innerJoin('plans', 'plans.id', 'threads.plan_id')
		.innerJoin('users', 'users.id', 'comments.author_id')
		.select([
			'comments.id',
			'comments.body',
			'comments.created_at',
			'threads.id as thread_id',
			'threads.plan_id',
			'threads.target_kind',
			'threads.target_id',
			'plans.title as plan_title',
			'users.name as author_name'
		])
		.where('comments.deleted_at', 'is', null)
		.where('plans.archived_at', 'is', null)
		.where('plans.region_id', 'in', regionIds);
	for (const word of words) commentQuery = commentQuery.where(sql<boolean>`lower(comments.body) like ${likePattern(word)} escape '\\'`);
	const comments = await commentQuery.orderBy('comments.created_at', 'desc').limit(limit).execute();

	return {
		people: people.map((p) => ({
			id: p.id,
			name: markWords(p.name, words),
			regions: regionsOf.filter((r) => r.user_id === p.id).map((r) => ({ slug: r.slug, name: r.name }))
		})),
		municipalities: municipalities.map((mu) => ({
			id: mu.id,
			name: markWords(mu.name, words),
			region: { slug: mu.region_slug, name: mu.region_name }
		})),
		comments: comments
			// lower() in SQLite folds ASCII only: check the words again, the Dutch way
			.filter((c) => words.every((w) => c.body.toLocaleLowerCase('nl').includes(w)))
			.map((c) => ({
				id: c.id,
				threadId: c.thread_id,
				planId: c.plan_id,
				planTitle: c.plan_title,
				target: { kind: c.target_kind as CommentHit['target']['kind'], id: c.target_id },
				authorName: c.author_name,
				createdAt: c.created_at,
				snippet: commentSnippet(c.body, words)
			}))
	};
}

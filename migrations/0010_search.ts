import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/portable.ts';

/**
 * Full-text search over what the projection keeps in SQL: plans (title,
 * subtitle, introduction), themes (title, sections) and actions (title, card
 * text). An FTS5 table with its own copy of the text, kept current by
 * triggers on the three tables, so every writer (projection, seeding, moves,
 * archiving) updates it without knowing about search. Archived rows leave the
 * index. `remove_diacritics 2`: "financiele" finds "financiële".
 *
 * PostgreSQL has no FTS5: there search_index is a plain table with a
 * generated tsvector (text search configuration kring_search: unaccent, then
 * `simple`, no stemming, like unicode61) under a GIN index, kept current by
 * one PL/pgSQL trigger per table.
 */
const TABLES = [
	{ kind: 'plan', table: 'plans', title: sql`new.title`, body: sql`coalesce(new.subtitle, '') || ' ' || new.intro_text`, plan: sql`new.id`, columns: sql`title, subtitle, intro_text, archived_at` },
	{ kind: 'theme', table: 'themes', title: sql`coalesce(new.number || '. ', '') || new.title`, body: sql`new.text`, plan: sql`new.plan_id`, columns: sql`title, number, text, archived_at` },
	{ kind: 'action', table: 'actions', title: sql`new.title`, body: sql`new.text`, plan: sql`new.plan_id`, columns: sql`title, text, archived_at` }
] as const;

async function upPostgres(db: Kysely<any>): Promise<void> {
	await sql`create extension if not exists unaccent`.execute(db);
	// `simple` (lower case, no stemming, like unicode61) with unaccent first: "financiele" finds "financiële",
	// and ts_headline marks the words as written
	await sql`create text search configuration kring_search (copy = simple)`.execute(db);
	await sql`alter text search configuration kring_search alter mapping for hword, hword_part, word with unaccent, simple`.execute(db);
	await sql`create table search_index (
		kind text not null, id text not null, plan_id text not null, title text not null, body text not null,
		document tsvector generated always as (
			setweight(to_tsvector('kring_search', title), 'A') || setweight(to_tsvector('kring_search', body), 'B')
		) stored,
		primary key (kind, id))`.execute(db);
	await sql`create index search_index_document on search_index using gin (document)`.execute(db);
	for (const t of TABLES) {
		const table = sql.raw(t.table);
		const kind = sql.lit(t.kind);
		const sync = sql.raw(`search_${t.table}_sync`);
		await sql`create function ${sync}() returns trigger language plpgsql as $$
			begin
				if tg_op <> 'INSERT' then delete from search_index where kind = ${kind} and id = old.id; end if;
				if tg_op <> 'DELETE' and new.archived_at is null then
					insert into search_index (kind, id, plan_id, title, body) values (${kind}, new.id, ${t.plan}, ${t.title}, ${t.body});
				end if;
				return null;
			end $$`.execute(db);
		await sql`create trigger ${sync} after insert or update of ${t.columns} or delete on ${table} for each row execute function ${sync}()`.execute(db);
		await sql`insert into search_index (kind, id, plan_id, title, body)
			select ${kind}, new.id, ${t.plan}, ${t.title}, ${t.body} from ${table} as new where new.archived_at is null`.execute(db);
	}
}

async function downPostgres(db: Kysely<any>): Promise<void> {
	for (const t of TABLES) {
		await sql`drop trigger if exists ${sql.raw(`search_${t.table}_sync`)} on ${sql.raw(t.table)}`.execute(db);
		await sql`drop function if exists ${sql.raw(`search_${t.table}_sync`)}()`.execute(db);
	}
	await sql`drop table search_index`.execute(db);
	await sql`drop text search configuration kring_search`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
	if (isPostgres(db)) return upPostgres(db);
	// a stable integer per indexed row (INTEGER PRIMARY KEY survives VACUUM), so the
	// index is updated by rowid instead of scanning it
	await sql`create table search_docs (docid integer primary key, kind text not null, id text not null, unique (kind, id))`.execute(db);
	await sql`create virtual table search_index using fts5(kind unindexed, id unindexed, plan_id unindexed, title, body, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
	for (const t of TABLES) {
		const table = sql.raw(t.table);
		const kind = sql.lit(t.kind);
		const add = sql`insert or ignore into search_docs (kind, id) values (${kind}, new.id);
			insert into search_index (rowid, kind, id, plan_id, title, body)
				select d.docid, ${kind}, new.id, ${t.plan}, ${t.title}, ${t.body} from search_docs d where d.kind = ${kind} and d.id = new.id and new.archived_at is null;`;
		const remove = sql`delete from search_index where rowid = (select docid from search_docs where kind = ${kind} and id = old.id);`;
		await sql`create trigger ${sql.raw(`search_${t.table}_insert`)} after insert on ${table} begin ${add} end`.execute(db);
		await sql`create trigger ${sql.raw(`search_${t.table}_update`)} after update of ${t.columns} on ${table} begin ${remove} ${add} end`.execute(db);
		await sql`create trigger ${sql.raw(`search_${t.table}_delete`)} after delete on ${table} begin ${remove} delete from search_docs where kind = ${kind} and id = old.id; end`.execute(db);
		// what is there already
		await sql`insert into search_docs (kind, id) select ${kind}, id from ${table}`.execute(db);
		await sql`insert into search_index (rowid, kind, id, plan_id, title, body)
			select d.docid, ${kind}, new.id, ${t.plan}, ${t.title}, ${t.body}
			from ${table} as new join search_docs d on d.kind = ${kind} and d.id = new.id where new.archived_at is null`.execute(db);
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	if (isPostgres(db)) return downPostgres(db);
	for (const t of TABLES) {
		for (const event of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.raw(`search_${t.table}_${event}`)}`.execute(db);
	}
	await sql`drop table search_index`.execute(db);
	await sql`drop table search_docs`.execute(db);
}

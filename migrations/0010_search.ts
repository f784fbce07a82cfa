import { sql, type Kysely } from 'kysely';

/**
 * Full-text search over what the projection keeps in SQL: plans (title,
 * subtitle, introduction), themes (title, sections) and actions (title, card
 * text). An FTS5 table with its own copy of the text, kept current by
 * triggers on the three tables, so every writer (projection, seeding, moves,
 * archiving) updates it without knowing about search. Archived rows leave the
 * index. `remove_diacritics 2`: "financiele" finds "financiële".
 */
const TABLES = [
	{ kind: 'plan', table: 'plans', title: sql`new.title`, body: sql`coalesce(new.subtitle, '') || ' ' || new.intro_text`, plan: sql`new.id`, columns: sql`title, subtitle, intro_text, archived_at` },
	{ kind: 'theme', table: 'themes', title: sql`coalesce(new.number || '. ', '') || new.title`, body: sql`new.text`, plan: sql`new.plan_id`, columns: sql`title, number, text, archived_at` },
	{ kind: 'action', table: 'actions', title: sql`new.title`, body: sql`new.text`, plan: sql`new.plan_id`, columns: sql`title, text, archived_at` }
] as const;

export async function up(db: Kysely<any>): Promise<void> {
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
	for (const t of TABLES) {
		for (const event of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.raw(`search_${t.table}_${event}`)}`.execute(db);
	}
	await sql`drop table search_index`.execute(db);
	await sql`drop table search_docs`.execute(db);
}

import type { Kysely } from 'kysely';

/**
 * Who archived a chapter, theme or action, so the plan's Archief page can say
 * who and when (archived_at says when). No REFERENCES: SQLite could not drop
 * the column again, and an archive keeps its name even when the account goes.
 */
export async function up(db: Kysely<any>): Promise<void> {
	for (const table of ['chapters', 'themes', 'actions']) {
		await db.schema.alterTable(table).addColumn('archived_by', 'text').execute();
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['chapters', 'themes', 'actions']) {
		await db.schema.alterTable(table).dropColumn('archived_by').execute();
	}
}

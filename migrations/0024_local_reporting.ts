import type { Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Local reporting and next year's text.
 *
 * - local_adoptions gains who wrote its note and when, apart from the status's
 *   own updated_at/updated_by: a status change in the matrix must not make
 *   someone else the author of the gemeente's note.
 * - action_flags: an action the yearly evaluation decided to strengthen
 *   ("versterken") carries a flag until an editor clears it. One row per
 *   action (a later strengthen decision raises it again); cleared_at says
 *   it is down. No REFERENCES to users: SQLite could not drop such columns
 *   again, and a cleared flag keeps its name when the account goes.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('local_adoptions').addColumn('note_updated_at', bigint(db)).execute();
	await db.schema.alterTable('local_adoptions').addColumn('note_updated_by', 'text').execute();
	await db.schema
		.createTable('action_flags')
		.addColumn('action_id', 'text', (c) => c.primaryKey().references('actions.id').onDelete('cascade'))
		.addColumn('cycle_id', 'text', (c) => c.references('review_cycles.id').onDelete('set null'))
		.addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('flagged_at', bigint(db), (c) => c.notNull())
		.addColumn('cleared_at', bigint(db))
		.addColumn('cleared_by', 'text')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('action_flags').execute();
	await db.schema.alterTable('local_adoptions').dropColumn('note_updated_by').execute();
	await db.schema.alterTable('local_adoptions').dropColumn('note_updated_at').execute();
}

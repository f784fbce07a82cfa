import type { Kysely } from 'kysely';

/**
 * The gemeente an action card names (meta.municipalityId in its document),
 * projected like the card's other structured fields, so boards and the JSON
 * API can filter on it. No REFERENCES: the projection only writes gemeenten
 * of the plan's region, and SQLite could not drop the column again.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('actions').addColumn('municipality_id', 'text').execute();
	await db.schema.createIndex('actions_municipality').on('actions').columns(['municipality_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('actions_municipality').execute();
	await db.schema.alterTable('actions').dropColumn('municipality_id').execute();
}

import type { Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Funding sources and indicators that plan editors shape themselves.
 *
 *  - funding_sources.parent_id: a source can be a part of another (DU Vrouwenopvang →
 *    its subregions); no REFERENCES, so the column can be dropped again in SQLite, and
 *    funding.ts keeps the relation acyclic and within one plan.
 *  - funding_sources.municipality_id: the gemeente a local source belongs to (null: all
 *    gemeenten or not said), for the budget per gemeente.
 *  - indicators.description and indicators.places (JSON array of place keys: '' for the
 *    whole region, 'gemeente:<id>', 'deel:<name>'; empty array = not said).
 *  - archived_at / archived_by on both: rows are archived, never deleted, so actions
 *    and figures that point at them keep their meaning.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('funding_sources').addColumn('parent_id', 'text').execute();
	await db.schema.alterTable('funding_sources').addColumn('municipality_id', 'text').execute();
	await db.schema.alterTable('funding_sources').addColumn('archived_at', bigint(db)).execute();
	await db.schema.alterTable('funding_sources').addColumn('archived_by', 'text').execute();
	await db.schema.alterTable('indicators').addColumn('description', 'text', (c) => c.notNull().defaultTo('')).execute();
	await db.schema.alterTable('indicators').addColumn('places', 'text', (c) => c.notNull().defaultTo('[]')).execute();
	await db.schema.alterTable('indicators').addColumn('archived_at', bigint(db)).execute();
	await db.schema.alterTable('indicators').addColumn('archived_by', 'text').execute();
	await db.schema.createIndex('funding_sources_parent_id').on('funding_sources').column('parent_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('funding_sources_parent_id').execute();
	for (const column of ['archived_by', 'archived_at', 'places', 'description']) await db.schema.alterTable('indicators').dropColumn(column).execute();
	for (const column of ['archived_by', 'archived_at', 'municipality_id', 'parent_id']) await db.schema.alterTable('funding_sources').dropColumn(column).execute();
}

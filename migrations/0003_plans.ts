import { sql, type Kysely } from 'kysely';
import { bigint, double } from './lib/portable.ts';

/**
 * The planning model: plans with their own level names and card template,
 * chapters, themes with ambassadors, actions, each gemeente's local adoption
 * of a regional plan's local actions, funding sources and indicators.
 * Nothing is deleted: rows are archived (archived_at set).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('plans')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('slug', 'text', (c) => c.notNull().unique())
		.addColumn('region_id', 'text', (c) => c.notNull().references('regions.id'))
		.addColumn('municipality_id', 'text', (c) => c.references('municipalities.id'))
		.addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('region', 'municipality')`))
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('subtitle', 'text')
		.addColumn('period_start', bigint(db), (c) => c.notNull())
		.addColumn('period_end', bigint(db), (c) => c.notNull())
		.addColumn('parent_plan_id', 'text', (c) => c.references('plans.id'))
		.addColumn('levels', 'text', (c) => c.notNull())
		.addColumn('theme_sections', 'text', (c) => c.notNull())
		.addColumn('card_template', 'text', (c) => c.notNull())
		.addColumn('intro_text', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('archived_at', bigint(db))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('updated_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('plans_region_id').on('plans').column('region_id').execute();

	await db.schema
		.createTable('chapters')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
		.addColumn('position', double(db), (c) => c.notNull())
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('archived_at', bigint(db))
		.execute();
	await db.schema.createIndex('chapters_plan_id').on('chapters').column('plan_id').execute();

	await db.schema
		.createTable('themes')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
		.addColumn('chapter_id', 'text', (c) => c.references('chapters.id'))
		.addColumn('position', double(db), (c) => c.notNull())
		.addColumn('number', 'text')
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('archived_at', bigint(db))
		.addColumn('updated_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('themes_plan_id').on('themes').column('plan_id').execute();

	await db.schema
		.createTable('theme_ambassadors')
		.addColumn('theme_id', 'text', (c) => c.notNull().references('themes.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('municipality_id', 'text', (c) => c.references('municipalities.id'))
		.addColumn('organisation', 'text')
		.addPrimaryKeyConstraint('theme_ambassadors_pk', ['theme_id', 'user_id'])
		.execute();
	await db.schema.createIndex('theme_ambassadors_user_id').on('theme_ambassadors').column('user_id').execute();

	await db.schema
		.createTable('funding_sources')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
		.addColumn('key', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('regional', 'local')`))
		.addColumn('note', 'text')
		.addUniqueConstraint('funding_sources_plan_key', ['plan_id', 'key'])
		.execute();

	await db.schema
		.createTable('funding_amounts')
		.addColumn('funding_source_id', 'text', (c) => c.notNull().references('funding_sources.id').onDelete('cascade'))
		.addColumn('year', 'integer', (c) => c.notNull())
		.addColumn('amount', bigint(db), (c) => c.notNull())
		.addPrimaryKeyConstraint('funding_amounts_pk', ['funding_source_id', 'year'])
		.execute();

	await db.schema
		.createTable('actions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
		.addColumn('theme_id', 'text', (c) => c.notNull().references('themes.id'))
		.addColumn('position', double(db), (c) => c.notNull())
		.addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('regional', 'local')`))
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('status', 'text', (c) =>
			c.notNull().check(sql`status in ('not_started', 'in_progress', 'at_risk', 'done', 'ongoing', 'dropped')`)
		)
		.addColumn('planning_start', 'text')
		.addColumn('planning_end', 'text')
		.addColumn('cost_amount', bigint(db))
		.addColumn('funding_source_id', 'text', (c) => c.references('funding_sources.id'))
		.addColumn('funding_note', 'text')
		.addColumn('lead', 'text')
		.addColumn('partners', 'text', (c) => c.notNull().defaultTo('[]'))
		.addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
		.addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('predecessor_id', 'text', (c) => c.references('actions.id'))
		.addColumn('archived_at', bigint(db))
		.addColumn('archive_reason', 'text')
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('updated_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('actions_plan_id').on('actions').column('plan_id').execute();
	await db.schema.createIndex('actions_theme_id').on('actions').column('theme_id').execute();

	await db.schema
		.createTable('local_adoptions')
		.addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
		.addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id'))
		.addColumn('status', 'text', (c) =>
			c.notNull().check(sql`status in ('not_started', 'in_progress', 'at_risk', 'done', 'ongoing', 'dropped')`)
		)
		.addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('updated_at', bigint(db), (c) => c.notNull())
		.addColumn('updated_by', 'text', (c) => c.references('users.id'))
		.addPrimaryKeyConstraint('local_adoptions_pk', ['action_id', 'municipality_id'])
		.execute();

	await db.schema
		.createTable('indicators')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
		.addColumn('key', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('unit', 'text', (c) => c.notNull())
		.addColumn('source', 'text', (c) => c.notNull())
		.addColumn('scope', 'text', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('indicator_values')
		.addColumn('indicator_id', 'text', (c) => c.notNull().references('indicators.id').onDelete('cascade'))
		.addColumn('year', 'integer', (c) => c.notNull())
		.addColumn('value', double(db), (c) => c.notNull())
		.addColumn('municipality_id', 'text', (c) => c.references('municipalities.id'))
		.addColumn('subregion', 'text')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'indicator_values',
		'indicators',
		'local_adoptions',
		'actions',
		'funding_amounts',
		'funding_sources',
		'theme_ambassadors',
		'themes',
		'chapters',
		'plans'
	]) {
		await db.schema.dropTable(table).execute();
	}
}

import type { Kysely } from 'kysely';
import { bigint, double } from './lib/portable.ts';

/**
 * From draft to adopted: per version, each college's decision on it
 * (vastgesteld, aangehouden, afgewezen) with the B&W-besluit's reference and
 * whether the council was informed; the council responses (zienswijzen) on a
 * version, each linked to themes or actions of the plan, with the region's
 * answer and what was done with it; and per plan and year the themes or
 * actions in focus.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('version_adoptions')
		.addColumn('version_id', 'text', (c) => c.notNull().references('plan_versions.id').onDelete('cascade'))
		.addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id').onDelete('cascade'))
		.addColumn('decision', 'text', (c) => c.notNull())
		.addColumn('decided_on', 'text', (c) => c.notNull())
		.addColumn('reference', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('document_url', 'text')
		.addColumn('council_informed', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('recorded_at', bigint(db), (c) => c.notNull())
		.addPrimaryKeyConstraint('version_adoptions_pk', ['version_id', 'municipality_id'])
		.execute();
	await db.schema
		.createTable('council_responses')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('version_id', 'text', (c) => c.notNull().references('plan_versions.id').onDelete('cascade'))
		.addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id').onDelete('cascade'))
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('text', 'text', (c) => c.notNull())
		.addColumn('received_on', 'text', (c) => c.notNull())
		.addColumn('answer', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('outcome', 'text')
		.addColumn('outcome_reason', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('position', double(db), (c) => c.notNull())
		.addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('updated_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('council_responses_version').on('council_responses').columns(['version_id', 'position']).execute();
	await db.schema
		.createTable('council_response_links')
		.addColumn('response_id', 'text', (c) => c.notNull().references('council_responses.id').onDelete('cascade'))
		.addColumn('target_kind', 'text', (c) => c.notNull())
		.addColumn('target_id', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('council_response_links_pk', ['response_id', 'target_id'])
		.execute();
	await db.schema.createIndex('council_response_links_target').on('council_response_links').columns(['target_id']).execute();
	await db.schema
		.createTable('plan_focus')
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
		.addColumn('year', 'integer', (c) => c.notNull())
		.addColumn('target_kind', 'text', (c) => c.notNull())
		.addColumn('target_id', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('plan_focus_pk', ['plan_id', 'year', 'target_id'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('plan_focus').execute();
	await db.schema.dropTable('council_response_links').execute();
	await db.schema.dropTable('council_responses').execute();
	await db.schema.dropTable('version_adoptions').execute();
}

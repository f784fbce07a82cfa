import { sql, type Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * The yearly evaluation (jaarlijkse evaluatie) of a plan and the versions it
 * freezes.
 *
 *  - review_cycles: one per plan and year; status draft → open → closed.
 *    current_action_id is the action the facilitator shows in the session;
 *    version_id is set when closing froze a plan version.
 *  - reviews: the preparation of one action in one cycle (one row, last
 *    author wins).
 *  - review_votes: one vote per participant per action, with a short opinion.
 *  - review_decisions: the decided verdict, or deferred = 1 ("besluit later");
 *    flagged = 1 marks a "versterken" action whose text needs an update;
 *    successor_action_id is the new action a "vernieuwen" created on closing.
 *  - plan_versions: an immutable JSON snapshot of the whole plan, including
 *    each document's Yjs state (base64). Never updated after insert.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('review_cycles')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
		.addColumn('year', 'integer', (c) => c.notNull())
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'open', 'closed')`))
		.addColumn('facilitator_id', 'text', (c) => c.references('users.id'))
		.addColumn('session_date', bigint(db))
		.addColumn('prep_deadline', bigint(db))
		.addColumn('current_action_id', 'text')
		.addColumn('version_id', 'text')
		.addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('opened_at', bigint(db))
		.addColumn('closed_at', bigint(db))
		.execute();
	await db.schema.createIndex('review_cycles_plan').on('review_cycles').columns(['plan_id', 'year']).execute();

	await db.schema
		.createTable('reviews')
		.addColumn('cycle_id', 'text', (c) => c.notNull().references('review_cycles.id').onDelete('cascade'))
		.addColumn('action_id', 'text', (c) => c.notNull().references('actions.id'))
		.addColumn('status', 'text', (c) => c.notNull())
		.addColumn('achieved', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('progress_note', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('bottlenecks', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('proposed_verdict', 'text', (c) => c.notNull().check(sql`proposed_verdict in ('keep', 'strengthen', 'renew', 'drop')`))
		.addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('updated_at', bigint(db), (c) => c.notNull())
		.addPrimaryKeyConstraint('reviews_pk', ['cycle_id', 'action_id'])
		.execute();

	await db.schema
		.createTable('review_votes')
		.addColumn('cycle_id', 'text', (c) => c.notNull().references('review_cycles.id').onDelete('cascade'))
		.addColumn('action_id', 'text', (c) => c.notNull().references('actions.id'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('keep', 'strengthen', 'renew', 'drop')`))
		.addColumn('opinion', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('updated_at', bigint(db), (c) => c.notNull())
		.addPrimaryKeyConstraint('review_votes_pk', ['cycle_id', 'action_id', 'user_id'])
		.execute();

	await db.schema
		.createTable('review_decisions')
		.addColumn('cycle_id', 'text', (c) => c.notNull().references('review_cycles.id').onDelete('cascade'))
		.addColumn('action_id', 'text', (c) => c.notNull().references('actions.id'))
		.addColumn('verdict', 'text', (c) => c.check(sql`verdict is null or verdict in ('keep', 'strengthen', 'renew', 'drop')`))
		.addColumn('deferred', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('decision_text', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('successor_action_id', 'text')
		.addColumn('decided_by', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('decided_at', bigint(db), (c) => c.notNull())
		.addPrimaryKeyConstraint('review_decisions_pk', ['cycle_id', 'action_id'])
		.execute();

	await db.schema
		.createTable('plan_versions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
		.addColumn('cycle_id', 'text', (c) => c.references('review_cycles.id'))
		.addColumn('label', 'text', (c) => c.notNull())
		.addColumn('adopted_at', bigint(db), (c) => c.notNull())
		.addColumn('snapshot', 'text', (c) => c.notNull())
		.addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('plan_versions_plan').on('plan_versions').columns(['plan_id', 'adopted_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('plan_versions').execute();
	await db.schema.dropTable('review_decisions').execute();
	await db.schema.dropTable('review_votes').execute();
	await db.schema.dropTable('reviews').execute();
	await db.schema.dropTable('review_cycles').execute();
}

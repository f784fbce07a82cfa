import { sql, type Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Ambassador check-ins between evaluations (seed 001: ambassadors keep their
 * theme current):
 *  - checkin_schedules: a plan's rhythm (off, month, quarter, half_year);
 *  - checkin_rounds: each time the ambassadors were asked — automatically at
 *    the start of a period (`period` set, once per plan and period) or by an
 *    editor by hand (`period` null);
 *  - checkins: an ambassador's short update on a theme: what happened, what
 *    is next, where help is needed, and a status per action (JSON
 *    [{ actionId, status, previous }]);
 *  - checkin_requests: the inbox item asking one ambassador for one theme's
 *    update in a round (read once answered or marked read; mailed_at as for
 *    notifications). Kept apart from `notifications`, whose CHECK on the
 *    subject would otherwise need a rebuild of that table.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('checkin_schedules')
		.addColumn('plan_id', 'text', (c) => c.primaryKey().references('plans.id').onDelete('cascade'))
		.addColumn('rhythm', 'text', (c) => c.notNull().check(sql`rhythm in ('off', 'month', 'quarter', 'half_year')`))
		.addColumn('updated_by', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('updated_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema
		.createTable('checkin_rounds')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
		.addColumn('period', 'text')
		.addColumn('started_by', 'text', (c) => c.references('users.id'))
		.addColumn('started_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('checkin_rounds_plan').on('checkin_rounds').columns(['plan_id', 'started_at']).execute();
	// one automatic round per plan and period, however many sweeps race for it
	await db.schema.createIndex('checkin_rounds_period').on('checkin_rounds').columns(['plan_id', 'period']).unique().where(sql.ref('period'), 'is not', null).execute();
	await db.schema
		.createTable('checkins')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
		.addColumn('theme_id', 'text', (c) => c.notNull().references('themes.id').onDelete('cascade'))
		.addColumn('round_id', 'text', (c) => c.references('checkin_rounds.id').onDelete('set null'))
		.addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('happened', 'text', (c) => c.notNull())
		.addColumn('next', 'text', (c) => c.notNull())
		.addColumn('help', 'text', (c) => c.notNull())
		.addColumn('statuses', 'text', (c) => c.notNull().defaultTo('[]'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('checkins_plan').on('checkins').columns(['plan_id', 'created_at']).execute();
	await db.schema.createIndex('checkins_theme').on('checkins').columns(['theme_id', 'created_at']).execute();
	await db.schema
		.createTable('checkin_requests')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('round_id', 'text', (c) => c.notNull().references('checkin_rounds.id').onDelete('cascade'))
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
		.addColumn('theme_id', 'text', (c) => c.notNull().references('themes.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('actor_id', 'text', (c) => c.references('users.id'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('read_at', bigint(db))
		.addColumn('answered_at', bigint(db))
		.addColumn('mailed_at', bigint(db))
		.execute();
	await db.schema.createIndex('checkin_requests_user').on('checkin_requests').columns(['user_id', 'read_at', 'created_at']).execute();
	await db.schema.createIndex('checkin_requests_unmailed').on('checkin_requests').columns(['mailed_at', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('checkin_requests').execute();
	await db.schema.dropTable('checkins').execute();
	await db.schema.dropTable('checkin_rounds').execute();
	await db.schema.dropTable('checkin_schedules').execute();
}

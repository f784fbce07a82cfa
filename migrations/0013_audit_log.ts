import type { Kysely } from 'kysely';
import { bigint, generatedId } from './lib/portable.ts';

/**
 * The audit log (BIO 8.15): who did what to which object, with what result,
 * from where and when. Rows are written in the same transaction as the change
 * they describe. Never passwords, tokens or comment text: `detail` holds only
 * structured facts (a role name, a count), never free text typed by a user.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('audit_log')
		.addColumn('id', ...generatedId(db, { neverReuse: true }))
		.addColumn('at', bigint(db), (c) => c.notNull())
		.addColumn('actor_id', 'text')
		.addColumn('actor_name', 'text')
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('object_type', 'text')
		.addColumn('object_id', 'text')
		.addColumn('object_label', 'text')
		.addColumn('region_id', 'text')
		.addColumn('result', 'text', (c) => c.notNull())
		.addColumn('origin', 'text')
		.addColumn('detail', 'text')
		.execute();
	await db.schema.createIndex('audit_log_region_at').on('audit_log').columns(['region_id', 'at']).execute();
	await db.schema.createIndex('audit_log_actor_at').on('audit_log').columns(['actor_id', 'at']).execute();
	await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('audit_log').execute();
}

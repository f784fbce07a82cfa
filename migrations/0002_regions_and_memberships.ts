import { sql, type Kysely } from 'kysely';
import { bigint, nowMs } from './lib/portable.ts';

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('regions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('slug', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('centrum_municipality_id', 'text')
		.execute();

	await db.schema
		.createTable('municipalities')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('slug', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('region_id', 'text', (c) => c.notNull().references('regions.id').onDelete('cascade'))
		.execute();
	await db.schema.createIndex('municipalities_region_id').on('municipalities').column('region_id').execute();

	await db.schema
		.createTable('region_memberships')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('region_id', 'text', (c) => c.notNull().references('regions.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'editor', 'viewer')`))
		.addColumn('created_at', bigint(db), (c) => c.notNull().defaultTo(nowMs(db)))
		.addPrimaryKeyConstraint('region_memberships_pk', ['user_id', 'region_id'])
		.execute();

	await db.schema
		.createTable('municipality_memberships')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('municipality_id', 'text', (c) =>
			c.notNull().references('municipalities.id').onDelete('cascade')
		)
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('municipal_editor')`))
		.addColumn('created_at', bigint(db), (c) => c.notNull().defaultTo(nowMs(db)))
		.addPrimaryKeyConstraint('municipality_memberships_pk', ['user_id', 'municipality_id'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('municipality_memberships').execute();
	await db.schema.dropTable('region_memberships').execute();
	await db.schema.dropTable('municipalities').execute();
	await db.schema.dropTable('regions').execute();
}

import type { Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('users')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('email', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('password_hash', 'text')
		.addColumn('color', 'text', (c) => c.notNull())
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('sessions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('expires_at', bigint(db), (c) => c.notNull())
		.addColumn('absolute_expires_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

	await db.schema
		.createTable('login_throttle')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('locked_until', bigint(db), (c) => c.notNull().defaultTo(0))
		.addColumn('window_start', bigint(db), (c) => c.notNull().defaultTo(0))
		.addColumn('checks', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('login_throttle').execute();
	await db.schema.dropTable('sessions').execute();
	await db.schema.dropTable('users').execute();
}

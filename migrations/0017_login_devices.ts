import type { Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Device cookies (OWASP "Slow down online guessing attacks with device
 * cookies"): a browser where someone signed in successfully carries a random
 * token bound to that account. A lock aimed at strangers guessing the
 * account's password (or at a shared address) does not stop that browser;
 * its own failures are counted under its own key. Only the token's SHA-256
 * is stored.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('login_devices')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('last_used_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('login_devices_user').on('login_devices').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('login_devices').execute();
}

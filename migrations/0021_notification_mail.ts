import type { Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Notifications by e-mail: which notifications went out by mail, when a
 * person's last daily digest was sent, and single-use unsubscribe links (only
 * their SHA-256 is stored; each mail carries a fresh one).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('notifications').addColumn('mailed_at', bigint(db)).execute();
	await db.schema.alterTable('users').addColumn('last_digest_at', bigint(db)).execute();
	await db.schema
		.createTable('unsubscribe_tokens')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('notifications_unmailed').on('notifications').columns(['mailed_at', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('notifications_unmailed').execute();
	await db.schema.dropTable('unsubscribe_tokens').execute();
	await db.schema.alterTable('users').dropColumn('last_digest_at').execute();
	await db.schema.alterTable('notifications').dropColumn('mailed_at').execute();
}

import type { Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Account security: password reset and e-mail change links, TOTP (MFA) with
 * recovery codes, the second sign-in step, a region's MFA requirement,
 * per-person notification preferences, and what the sessions list shows.
 *
 * Every secret that arrives by link or is typed back (reset and e-mail change
 * tokens, pending sign-in tokens, recovery codes) is stored only as its
 * SHA-256. The TOTP secret must be stored as is (the server recomputes the
 * codes); it never reaches a log line.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('account_tokens')
		.addColumn('id', 'text', (c) => c.primaryKey()) // hex SHA-256 of the token
		.addColumn('kind', 'text', (c) => c.notNull()) // 'password_reset' | 'email_change'
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('new_email', 'text')
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('expires_at', bigint(db), (c) => c.notNull())
		.addColumn('used_at', bigint(db))
		.execute();
	await db.schema.createIndex('account_tokens_user').on('account_tokens').columns(['user_id', 'kind']).execute();

	await db.schema
		.createTable('user_mfa')
		.addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
		.addColumn('secret', 'text', (c) => c.notNull()) // base32, 160 bits
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('enabled_at', bigint(db)) // null: enrolment started, not yet confirmed with a code
		.addColumn('last_step', 'integer', (c) => c.notNull().defaultTo(0)) // the last accepted time step: a code works once
		.execute();

	await db.schema
		.createTable('mfa_recovery_codes')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('code_hash', 'text', (c) => c.notNull())
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('used_at', bigint(db))
		.addPrimaryKeyConstraint('mfa_recovery_codes_pk', ['user_id', 'code_hash'])
		.execute();

	await db.schema
		.createTable('mfa_pending_logins')
		.addColumn('id', 'text', (c) => c.primaryKey()) // hex SHA-256 of the cookie's token
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('redirect_to', 'text', (c) => c.notNull())
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('expires_at', bigint(db), (c) => c.notNull())
		.execute();

	await db.schema.alterTable('regions').addColumn('mfa_required', 'integer', (c) => c.notNull().defaultTo(0)).execute();
	await db.schema.alterTable('users').addColumn('notification_mode', 'text', (c) => c.notNull().defaultTo('immediate')).execute();
	await db.schema.alterTable('sessions').addColumn('last_used_at', bigint(db)).execute();
	await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('sessions').dropColumn('user_agent').execute();
	await db.schema.alterTable('sessions').dropColumn('last_used_at').execute();
	await db.schema.alterTable('users').dropColumn('notification_mode').execute();
	await db.schema.alterTable('regions').dropColumn('mfa_required').execute();
	await db.schema.dropTable('mfa_pending_logins').execute();
	await db.schema.dropTable('mfa_recovery_codes').execute();
	await db.schema.dropTable('user_mfa').execute();
	await db.schema.dropTable('account_tokens').execute();
}

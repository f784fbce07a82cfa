import type { Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Accounts that a region runs itself: the instance admin (regions, gemeenten,
 * accounts of the whole installation), deactivation (the account stays for
 * history — authorship, audit — but cannot sign in), and the last sign-in
 * shown on a region's members page.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('users').addColumn('instance_admin', 'integer', (c) => c.notNull().defaultTo(0)).execute();
	await db.schema.alterTable('users').addColumn('deactivated_at', bigint(db)).execute();
	await db.schema.alterTable('users').addColumn('last_login_at', bigint(db)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('users').dropColumn('last_login_at').execute();
	await db.schema.alterTable('users').dropColumn('deactivated_at').execute();
	await db.schema.alterTable('users').dropColumn('instance_admin').execute();
}

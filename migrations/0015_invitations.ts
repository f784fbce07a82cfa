import { sql, type Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Invitations to a region with one role. The link's token is never stored:
 * only its SHA-256 (hex). A link works once (accepted_at), until expires_at
 * (14 days), and not after the admin withdrew it (withdrawn_at); resending
 * replaces the hash and the expiry.
 *
 * role: a region role (admin, editor, viewer), municipal_editor (with
 * municipality_id, a gemeente of the region) or ambassador (with theme_id, a
 * theme of a plan of the region). user_id: an existing account-less user row
 * (an ambassador named without account) that accepting links to.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('invitations')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('token_hash', 'text', (c) => c.notNull().unique())
		.addColumn('email', 'text', (c) => c.notNull())
		.addColumn('region_id', 'text', (c) => c.notNull().references('regions.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) =>
			c.notNull().check(sql`role in ('admin', 'editor', 'viewer', 'municipal_editor', 'ambassador')`)
		)
		.addColumn('municipality_id', 'text', (c) => c.references('municipalities.id').onDelete('cascade'))
		.addColumn('theme_id', 'text', (c) => c.references('themes.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
		.addColumn('invited_by', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('expires_at', bigint(db), (c) => c.notNull())
		.addColumn('accepted_at', bigint(db))
		.addColumn('accepted_by', 'text', (c) => c.references('users.id'))
		.addColumn('withdrawn_at', bigint(db))
		.addCheckConstraint(
			'invitations_role_target',
			sql`(role = 'municipal_editor') = (municipality_id is not null) and (role = 'ambassador') = (theme_id is not null)`
		)
		.execute();
	await db.schema.createIndex('invitations_region').on('invitations').columns(['region_id', 'created_at']).execute();
	await db.schema.createIndex('invitations_email').on('invitations').column('email').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('invitations').execute();
}

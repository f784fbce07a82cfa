import type { Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * A public, read-only link to an adopted version, when a region admin
 * publishes it. The version itself never changes; publishing is a row of its
 * own. The token is the link (a capability URL), shown to admins again
 * later; withdrawing deletes the row, so the link stops working, and
 * publishing again makes a new link.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('version_publications')
		.addColumn('version_id', 'text', (c) => c.primaryKey().references('plan_versions.id').onDelete('cascade'))
		.addColumn('token', 'text', (c) => c.notNull().unique())
		.addColumn('published_by', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('published_at', bigint(db), (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('version_publications').execute();
}

import type { Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * One row that /healthz rewrites on every call, so a full or read-only disk
 * shows up as a failing health check instead of a green one over a database
 * that can no longer save anything.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('health_probe')
		.addColumn('id', 'integer', (c) => c.primaryKey())
		.addColumn('at', bigint(db), (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('health_probe').execute();
}

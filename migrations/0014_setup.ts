import { sql, type Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * First start and the instance admin's region set-up.
 *
 *  - setup_tokens: one-time links `/installatie/<token>` that create an instance
 *    admin. Only the SHA-256 of the token is stored. A token without `email` is
 *    the first-start link from the log (it works only while no account exists);
 *    a token with `email` is made by `npm run kring -- create-admin --invite`
 *    for that address. `used_at` set: spent.
 *  - municipalities.cbs_code: the CBS code ("GM0202") of a gemeente picked from
 *    the shipped list; null for a typed name (and for older rows). Unique, so a
 *    gemeente belongs to one region only.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('setup_tokens')
		.addColumn('token_hash', 'text', (c) => c.primaryKey())
		.addColumn('email', 'text')
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('expires_at', bigint(db))
		.addColumn('used_at', bigint(db))
		.addColumn('used_by', 'text', (c) => c.references('users.id').onDelete('set null'))
		.execute();
	await db.schema.alterTable('municipalities').addColumn('cbs_code', 'text').execute();
	await db.schema
		.createIndex('municipalities_cbs_code')
		.on('municipalities')
		.column('cbs_code')
		.unique()
		.where(sql.ref('cbs_code'), 'is not', null)
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('municipalities_cbs_code').execute();
	await db.schema.alterTable('municipalities').dropColumn('cbs_code').execute();
	await db.schema.dropTable('setup_tokens').execute();
}

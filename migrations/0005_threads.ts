import { sql, type Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Comment threads (reacties) on a plan, a theme or an action, optionally
 * anchored to a passage of one rich-text field; their comments, who each
 * comment mentions, and the in-app inbox.
 *
 *  - threads.anchor_start / anchor_end: base64 of `Y.encodeRelativePosition`
 *    in the target's document, field `field`; null for a thread on the whole
 *    target. `quote` is the passage as it read when the thread started.
 *  - threads.theme_id: the theme of a theme or action target (null for a
 *    plan), so ambassadors' inboxes and the plan page's counts need no joins.
 *  - comments are never removed: a deleted comment keeps its row with an
 *    empty body and deleted_at / deleted_by set.
 *  - notifications: one row per recipient and event; read_at null is unread.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('threads')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
		.addColumn('target_kind', 'text', (c) => c.notNull().check(sql`target_kind in ('plan', 'theme', 'action')`))
		.addColumn('target_id', 'text', (c) => c.notNull())
		.addColumn('theme_id', 'text', (c) => c.references('themes.id'))
		.addColumn('field', 'text')
		.addColumn('anchor_start', 'text')
		.addColumn('anchor_end', 'text')
		.addColumn('quote', 'text')
		.addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'resolved')`))
		.addColumn('resolved_by', 'text', (c) => c.references('users.id'))
		.addColumn('resolved_at', bigint(db))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('updated_at', bigint(db), (c) => c.notNull())
		.execute();
	await db.schema.createIndex('threads_plan_status').on('threads').columns(['plan_id', 'status']).execute();
	await db.schema.createIndex('threads_target').on('threads').columns(['target_id', 'status']).execute();

	await db.schema
		.createTable('comments')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
		.addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('edited_at', bigint(db))
		.addColumn('deleted_at', bigint(db))
		.addColumn('deleted_by', 'text', (c) => c.references('users.id'))
		.execute();
	await db.schema.createIndex('comments_thread').on('comments').columns(['thread_id', 'created_at']).execute();

	await db.schema
		.createTable('comment_mentions')
		.addColumn('comment_id', 'text', (c) => c.notNull().references('comments.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addPrimaryKeyConstraint('comment_mentions_pk', ['comment_id', 'user_id'])
		.execute();

	await db.schema
		.createTable('notifications')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('mention', 'reply', 'new_thread')`))
		.addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
		.addColumn('comment_id', 'text', (c) => c.references('comments.id').onDelete('cascade'))
		.addColumn('actor_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('read_at', bigint(db))
		.execute();
	await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'read_at', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('notifications').execute();
	await db.schema.dropTable('comment_mentions').execute();
	await db.schema.dropTable('comments').execute();
	await db.schema.dropTable('threads').execute();
}

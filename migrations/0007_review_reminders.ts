import { sql, type Kysely } from 'kysely';
import { bigint } from './lib/portable.ts';

/**
 * Inbox reminders for the yearly evaluation: a notification is about either a
 * thread (mention, reply, new thread) or a review cycle (opened, a reminder
 * sent by hand, the preparation deadline is near).
 *
 * SQLite cannot relax NOT NULL or change a CHECK in place, so the
 * notifications table is rebuilt (nothing references it) with
 *  - thread_id nullable and a new cycle_id, exactly one of the two set;
 *  - the review kinds in the kind check.
 * review_cycles.deadline_reminded_at records that the automatic reminder
 * before the deadline went out, so it goes out once.
 */
const THREAD_KINDS = sql`('mention', 'reply', 'new_thread')`;
const ALL_KINDS = sql`('mention', 'reply', 'new_thread', 'review_open', 'review_reminder', 'review_deadline')`;

async function rebuild(db: Kysely<any>, withCycles: boolean): Promise<void> {
	await db.schema
		.createTable('notifications_next')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ${withCycles ? ALL_KINDS : THREAD_KINDS}`))
		.addColumn('thread_id', 'text', (c) => {
			const column = c.references('threads.id').onDelete('cascade');
			return withCycles ? column : column.notNull();
		})
		.$call((t) => (withCycles ? t.addColumn('cycle_id', 'text', (c) => c.references('review_cycles.id').onDelete('cascade')) : t))
		.addColumn('comment_id', 'text', (c) => c.references('comments.id').onDelete('cascade'))
		.addColumn('actor_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('created_at', bigint(db), (c) => c.notNull())
		.addColumn('read_at', bigint(db))
		.$call((t) => (withCycles ? t.addCheckConstraint('notifications_subject', sql`(thread_id is null) <> (cycle_id is null)`) : t))
		.execute();
	const columns = sql.raw('id, user_id, kind, thread_id, comment_id, actor_id, created_at, read_at');
	const keep = withCycles ? sql`true` : sql`thread_id is not null`;
	await sql`insert into notifications_next (${columns}) select ${columns} from notifications where ${keep}`.execute(db);
	await db.schema.dropTable('notifications').execute();
	await sql`alter table notifications_next rename to notifications`.execute(db);
	await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'read_at', 'created_at']).execute();
	if (withCycles) await db.schema.createIndex('notifications_cycle').on('notifications').columns(['cycle_id', 'user_id']).execute();
}

export async function up(db: Kysely<any>): Promise<void> {
	await rebuild(db, true);
	await db.schema.alterTable('review_cycles').addColumn('deadline_reminded_at', bigint(db)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('review_cycles').dropColumn('deadline_reminded_at').execute();
	await rebuild(db, false);
}

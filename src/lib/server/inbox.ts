import type { UserRoles } from './access.ts';
import { checkinRequestRows, markCheckinRequestsRead, type CheckinRequestView } from './checkin.ts';
import { parsePlanWords, type PlanWords } from '../level-words.ts';
import type { Db } from './db.ts';
import { planWordsById } from './plan-words.ts';
import { reviewNotificationRows, type ReviewNotificationView } from './reminder.ts';
import { countUnread as countThreadUnread, listNotifications as listThreadNotifications, type NotificationView } from './thread.ts';

import { markRead as markThreadNotificationsRead } from './thread.ts';

export { markThreadsRead } from './thread.ts';

/**
 * The inbox: notifications about threads (mentions, replies, new threads on
 * my themes) and reminders of evaluations to prepare, newest first, only of
 * regions the reader can still read. Each item carries its plan's own level
 * words, so the inbox and the mails name a theme as that plan does.
 */
export type InboxItem = (
	| ({ type: 'thread' } & NotificationView)
	| ({ type: 'review' } & ReviewNotificationView)
	| ({ type: 'checkin' } & CheckinRequestView)
) & { words: PlanWords };

type Reader = { id: string; roles: UserRoles };

export async function listInbox(db: Db, reader: Reader, limit = 100): Promise<InboxItem[]> {
	const [threads, reviews, checkins] = await Promise.all([
		listThreadNotifications(db, reader, limit),
		reviewNotificationRows(db, reader, { unreadOnly: false, limit }),
		checkinRequestRows(db, reader, { unreadOnly: false, limit })
	]);
	const items = [
		...threads.map((n) => ({ type: 'thread' as const, ...n })),
		...reviews.map((n) => ({ type: 'review' as const, ...n })),
		...checkins.map((n) => ({ type: 'checkin' as const, ...n }))
	]
		.sort((a, b) => b.createdAt - a.createdAt)
		.slice(0, limit);
	const words = await planWordsById(db, items.map((i) => i.planId));
	return items.map((i) => ({ ...i, words: words.get(i.planId) ?? parsePlanWords(null) }));
}

/**
 * What the live inbox stream sends: the unread count, and when the newest
 * notification arrived (a newer reminder can replace an unread one, leaving
 * the count as it was).
 */
export async function inboxState(db: Db, reader: Reader): Promise<{ unread: number; latest: number }> {
	const [unread, newest, newestCheckin] = await Promise.all([
		countInboxUnread(db, reader),
		db
			.selectFrom('notifications')
			.select((eb) => eb.fn.max('created_at').as('at'))
			.where('user_id', '=', reader.id)
			.executeTakeFirst(),
		db
			.selectFrom('checkin_requests')
			.select((eb) => eb.fn.max('created_at').as('at'))
			.where('user_id', '=', reader.id)
			.executeTakeFirst()
	]);
	return { unread, latest: Math.max(Number(newest?.at ?? 0), Number(newestCheckin?.at ?? 0)) };
}

export async function countInboxUnread(db: Db, reader: Reader): Promise<number> {
	const [threads, reviews, checkins] = await Promise.all([
		countThreadUnread(db, reader),
		reviewNotificationRows(db, reader, { unreadOnly: true, limit: 1000 }),
		checkinRequestRows(db, reader, { unreadOnly: true, limit: 1000 })
	]);
	return threads + reviews.length + checkins.length;
}

/** Marks the user's own inbox items read (notifications and check-in requests): the given ones, or all. */
export async function markRead(db: Db, userId: string, ids: readonly string[] | 'all'): Promise<number> {
	return (await markThreadNotificationsRead(db, userId, ids)) + (await markCheckinRequestsRead(db, userId, ids));
}

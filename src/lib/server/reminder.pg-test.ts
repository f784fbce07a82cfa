import { expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { describeOnPostgres } from '../../../server/testing/postgres-suite.ts';
import { openPostgres } from './db.ts';
import { seedDemo } from './demo.ts';
import { announceCycle, sendDeadlineReminders } from './reminder.ts';
import { createCycle, openCycle } from './review.ts';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Timed jobs with several nodes (issue 18): every node runs the reminder
 * sweep; a reminder must still go out once. Two pools stand for two nodes,
 * their sweeps racing on the same due cycle.
 */
describeOnPostgres('deadline reminders with two nodes on PostgreSQL', (pg) => {
	it('sends the reminder once when two nodes sweep at the same moment', async () => {
		const { db } = pg().database;
		await seedDemo(db, DEMO_DIR, () => {});
		const ids = Object.fromEntries((await db.selectFrom('users').select(['id', 'email']).execute()).map((u) => [u.email.split('@')[0], u.id]));
		const plan = await db.selectFrom('plans').select('id').where('slug', '=', 'kennemerland-actieprogramma-2021-2024').executeTakeFirstOrThrow();
		const deadline = Date.UTC(2031, 5, 20, 12);
		const cycleId = await createCycle(db, { planId: plan.id, year: 2025, title: 'Evaluatie', facilitatorId: ids.beheerder, sessionDate: null, prepDeadline: deadline, createdBy: ids.beheerder });
		expect(await openCycle(db, cycleId)).toEqual({ ok: true });
		await announceCycle(db, { cycleId, actorId: ids.beheerder, now: deadline - 10 * DAY });
		const other = openPostgres((pg().database.pool as unknown as { options: { connectionString: string } }).options.connectionString);
		try {
			const at = deadline - 2 * DAY;
			const [a, b] = await Promise.all([sendDeadlineReminders(db, at), sendDeadlineReminders(other.db, at)]);
			const sent = [...a, ...b].filter((s) => s.cycleId === cycleId);
			expect(sent).toHaveLength(1);
			const reminders = await db
				.selectFrom('notifications')
				.select(['user_id'])
				.where('cycle_id', '=', cycleId)
				.where('kind', '=', 'review_deadline')
				.execute();
			expect(reminders.map((r) => r.user_id)).toEqual(sent[0].userIds);
		} finally {
			await other.db.destroy();
		}
	});
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { createMailer, type MailLogger } from './mail.ts';
import { sendNotificationMails, unsubscribe } from './notification-mail.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { startSmtp } from './test-smtp.ts';
import { createThread } from './thread.ts';
import { getUserByEmail } from './user.ts';

const quiet: MailLogger = { info: () => {}, warn: () => {}, error: () => {} };
let t: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let actionId: string;

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	const plan = await t.db.selectFrom('plans').select('id').where('slug', '=', 'noord-oost-gelderland-uitvoeringsagenda-2024-2028').executeTakeFirstOrThrow();
	// the first action of the first theme: a total order (positions repeat across themes), the same on PostgreSQL
	actionId = (
		await t.db
			.selectFrom('actions')
			.innerJoin('themes', 'themes.id', 'actions.theme_id')
			.select('actions.id')
			.where('actions.plan_id', '=', plan.id)
			.orderBy('themes.position')
			.orderBy('actions.position')
			.orderBy('actions.id')
			.executeTakeFirstOrThrow()
	).id;
});
afterAll(async () => t.close());
afterEach(async () => smtp?.close());

async function actor(email: string) {
	const user = (await getUserByEmail(t.db, email))!;
	return { id: user.id, name: user.name, roles: await loadUserRoles(t.db, user.id) };
}

/** Joris mentions Els in a new thread: a notification for Els. */
async function mentionEls(body = 'Wat vind jij, @Els de Wit? Geheime inhoud 4711.') {
	const result = await createThread(t.db, await actor('werkgroep@kring.example'), { target: { kind: 'action', id: actionId }, body });
	expect(result.ok).toBe(true);
}

const mailer = () => createMailer({ smtpUrl: smtp.url, from: 'Kring <kring@localhost>', logger: quiet, backoffMs: [5, 5] });

describe('notification mails', () => {
	it('mail a mention at once, with the inbox and an unsubscribe link but never the comment text', async () => {
		smtp = await startSmtp();
		await mentionEls();
		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'https://kring.example.nl' })).toBe(1);
		const mail = smtp.received.find((m) => m.to && JSON.stringify(m.to).includes('lezer@kring.example'))!;
		expect(mail.subject).toContain('Joris van Dam noemde je in een reactie');
		expect(mail.text).toContain('https://kring.example.nl/inbox');
		expect(mail.text).toMatch(/https:\/\/kring\.example\.nl\/afmelden\/[a-z2-7]{32}/);
		expect(`${mail.text}${mail.html}`).not.toContain('Geheime inhoud');
		// Mailed once: the next sweep sends nothing new.
		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'https://kring.example.nl' })).toBe(0);
	});

	it('keep a notification unmailed when the send fails, and mail it at the next sweep', async () => {
		smtp = await startSmtp({ failFirst: 10 });
		await mentionEls('Tweede vraag, @Els de Wit.');
		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'http://localhost:3000' })).toBe(0);
		await smtp.close();
		smtp = await startSmtp();
		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'http://localhost:3000' })).toBe(1);
	});

	it('send a daily digest at most once a day, and nothing after unsubscribing', async () => {
		smtp = await startSmtp();
		const els = await getUserByEmail(t.db, 'lezer@kring.example');
		await t.db.updateTable('users').set({ notification_mode: 'daily', last_digest_at: null }).where('id', '=', els!.id).execute();
		await mentionEls('Derde, @Els de Wit.');
		await mentionEls('Vierde, @Els de Wit.');
		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'http://localhost:3000' })).toBe(1);
		const digest = smtp.received.at(-1)!;
		expect(digest.subject).toBe('Kring: je overzicht van 2 meldingen');
		await mentionEls('Vijfde, @Els de Wit.');
		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'http://localhost:3000' })).toBe(0);
		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'http://localhost:3000', now: Date.now() + 25 * 3_600_000 })).toBe(1);

		const token = digest.text!.match(/afmelden\/([a-z2-7]{32})/)![1];
		expect(await unsubscribe(t.db, token)).toBe(true);
		expect(await unsubscribe(t.db, token)).toBe(false);
		await mentionEls('Zesde, @Els de Wit.');
		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'http://localhost:3000' })).toBe(0);
	});
});

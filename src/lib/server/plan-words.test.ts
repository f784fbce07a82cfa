import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { loadUserRoles } from './access.ts';
import { startRoundNow } from './checkin.ts';
import { seedDemo } from './demo.ts';
import { listMyThemes, sharedThemePlural } from './home.ts';
import { listInbox } from './inbox.ts';
import { createMailer, type MailLogger } from './mail.ts';
import { invitationRoleLabel } from './mail-templates.ts';
import { sendNotificationMails } from './notification-mail.ts';
import { planWordsById } from './plan-words.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { startSmtp } from './test-smtp.ts';
import { createThread } from './thread.ts';
import { getUserByEmail } from './user.ts';

/**
 * A plan that calls its themes "bouwsteen": the inbox, the notification mails
 * (over a real SMTP server) and Mijn Kring name its themes that way.
 */
const quiet: MailLogger = { info: () => {}, warn: () => {}, error: () => {} };
let t: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let planId: string;
let theme: { id: string; title: string };

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	planId = (await t.db.selectFrom('plans').select('id').where('slug', '=', 'noord-oost-gelderland-uitvoeringsagenda-2024-2028').executeTakeFirstOrThrow()).id;
	const levels = { chapter: 'pijler', chapterPlural: 'pijlers', theme: 'Bouwsteen', themePlural: 'bouwstenen' };
	await t.db.updateTable('plans').set({ levels: JSON.stringify(levels) }).where('id', '=', planId).execute();
	const fatma = (await getUserByEmail(t.db, 'ambassadeur@kring.example'))!;
	theme = await t.db
		.selectFrom('theme_ambassadors as ta')
		.innerJoin('themes', 'themes.id', 'ta.theme_id')
		.select(['themes.id', 'themes.title'])
		.where('ta.user_id', '=', fatma.id)
		.where('themes.plan_id', '=', planId)
		.executeTakeFirstOrThrow();
	// every demo account gets its mail at once
	await t.db.updateTable('users').set({ notification_mode: 'immediate' }).execute();
});
afterAll(async () => t.close());
afterEach(async () => smtp?.close());

async function actor(email: string) {
	const user = (await getUserByEmail(t.db, email))!;
	return { id: user.id, name: user.name, roles: await loadUserRoles(t.db, user.id) };
}
const mailer = () => createMailer({ smtpUrl: smtp.url, from: 'Kring <kring@localhost>', logger: quiet, backoffMs: [5, 5] });
const mailTo = (email: string) => smtp.received.filter((m) => JSON.stringify(m.to).includes(email)).at(-1);

describe("a plan's own level words outside the plan", () => {
	it('reads the words of each plan, with the defaults for words missing', async () => {
		const other = await t.db.selectFrom('plans').select('id').where('id', '!=', planId).executeTakeFirstOrThrow();
		await t.db.updateTable('plans').set({ levels: '{"theme": ""}' }).where('id', '=', other.id).execute();
		const words = await planWordsById(t.db, [planId, other.id, planId]);
		expect(words.get(planId)).toMatchObject({ theme: 'Bouwsteen', themePlural: 'bouwstenen' });
		expect(words.get(other.id)).toMatchObject({ theme: 'onderdeel', themePlural: 'onderdelen', chapter: 'hoofdstuk' });
	});

	it('mails a mention on a theme with the plan’s word for it, and the inbox carries the words', async () => {
		smtp = await startSmtp();
		const joris = await actor('werkgroep@kring.example');
		const made = await createThread(t.db, joris, { target: { kind: 'theme', id: theme.id }, body: 'Kijk jij even mee, @Els de Wit?' });
		expect(made.ok).toBe(true);
		const els = await actor('lezer@kring.example');
		const item = (await listInbox(t.db, els)).find((i) => i.type === 'thread' && i.target.id === theme.id)!;
		expect(item.words.theme).toBe('Bouwsteen');

		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'https://kring.example.nl' })).toBeGreaterThanOrEqual(1);
		const mail = mailTo('lezer@kring.example')!;
		expect(mail.subject).toContain(`Joris van Dam noemde je in een reactie bij bouwsteen ‘${theme.title}’`);
		expect(mail.text).toContain(`bij bouwsteen ‘${theme.title}’`);
		expect(mail.html).toContain('bij bouwsteen');
		expect(`${mail.text}`).not.toMatch(/onderdeel/i);
	});

	it('asks an ambassador for a check-in on the theme by the plan’s word, in the mail', async () => {
		smtp = await startSmtp();
		const started = await startRoundNow(t.db, { actor: await actor('werkgroep@kring.example'), planId });
		expect(started.ok).toBe(true);
		expect(await sendNotificationMails(t.db, { mailer: mailer(), baseUrl: 'https://kring.example.nl' })).toBeGreaterThanOrEqual(1);
		const mail = mailTo('ambassadeur@kring.example')!;
		expect(mail.text).toContain(`Hoe staat het met bouwsteen ‘${theme.title}’`);
	});

	it('names an invited ambassador’s theme with the plan’s word', () => {
		expect(invitationRoleLabel('ambassador', 'Preventie', 'Speerpunt')).toBe('ambassadeur van speerpunt ‘Preventie’');
		expect(invitationRoleLabel('ambassador', 'Preventie')).toBe('ambassadeur van Preventie');
		expect(invitationRoleLabel('viewer', null, 'Speerpunt')).toBe('lezer');
	});

	it('heads the ambassador’s themes on Mijn Kring with the plural the plans share', async () => {
		const fatma = await actor('ambassadeur@kring.example');
		const themes = await listMyThemes(t.db, fatma.id);
		expect(themes.find((x) => x.id === theme.id)?.words.themePlural).toBe('bouwstenen');
		expect(sharedThemePlural(themes.filter((x) => x.planId === planId))).toBe('bouwstenen');
		expect(sharedThemePlural([{ words: { themePlural: 'bouwstenen' } }, { words: { themePlural: 'thema’s' } }])).toBeNull();
	});
});

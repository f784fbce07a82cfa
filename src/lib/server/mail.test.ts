import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import { createInvitations, findInvitation, invitationLink, mailInvitations } from './invitation.ts';
import { startSmtp } from './test-smtp.ts';
import { createMailer, MailError, sendQuietly, type MailLogger } from './mail.ts';
import { escapeHtml, invitationMail } from './mail-templates.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

function recordingLogger() {
	const lines: { level: string; obj: object; msg?: string }[] = [];
	const logger: MailLogger = {
		info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
		warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
		error: (obj, msg) => lines.push({ level: 'error', obj, msg })
	};
	return { logger, lines };
}

let t: TestDatabase;
beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
});
afterAll(async () => t.close());

let smtp: Awaited<ReturnType<typeof startSmtp>> | null = null;
afterEach(async () => {
	await smtp?.close();
	smtp = null;
});

describe('the invitation mail over real SMTP', () => {
	it('arrives in plain text and HTML, both with a link that opens the invitation', async () => {
		smtp = await startSmtp();
		const { logger, lines } = recordingLogger();
		const mailer = createMailer({ smtpUrl: smtp.url, from: 'Kring <kring@localhost>', logger });
		expect(mailer.enabled).toBe(true);
		const admin = await t.db.selectFrom('users').select(['id', 'name']).where('email', '=', 'beheerder@kring.example').executeTakeFirstOrThrow();
		const region = await t.db.selectFrom('regions').select('id').where('slug', '=', 'arnhem-achterhoek').executeTakeFirstOrThrow();
		const arnhem = await t.db.selectFrom('municipalities').select('id').where('slug', '=', 'arnhem').executeTakeFirstOrThrow();
		const created = await createInvitations(
			t.db,
			{ actor: admin, regionId: region.id },
			{ emails: ['nieuwe.redacteur@example.test'], role: { role: 'municipal_editor', municipalityId: arnhem.id } }
		);
		if (!created.ok) throw new Error(created.error);
		const result = await mailInvitations(t.db, mailer, { origin: 'https://kring.example.nl', regionId: region.id, inviterName: admin.name, issued: created.value });
		expect(result).toEqual({ sent: 1, failed: [] });

		expect(smtp.received).toHaveLength(1);
		const mail = smtp.received[0];
		expect(mail.subject).toBe('Uitnodiging voor Kring: Arnhem-Achterhoek');
		expect(mail.from?.text).toContain('kring@localhost');
		expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text).toBe('nieuwe.redacteur@example.test');
		expect(mail.text).toContain('redacteur van gemeente Arnhem');

		const textLink = mail.text?.match(/https:\/\/kring\.example\.nl\/uitnodiging\/[a-z2-7]+/)?.[0];
		const htmlLink = (mail.html || '').match(/href="(https:\/\/kring\.example\.nl\/uitnodiging\/[a-z2-7]+)"/)?.[1];
		expect(textLink).toBe(invitationLink('https://kring.example.nl', created.value[0].token));
		expect(htmlLink).toBe(textLink);
		const token = textLink!.split('/').pop()!;
		const found = await findInvitation(t.db, token);
		expect(found.ok && found.invitation.email).toBe('nieuwe.redacteur@example.test');

		// the log names the recipient, never the body or the link
		expect(lines.some((l) => l.msg === 'mail sent')).toBe(true);
		expect(JSON.stringify(lines)).not.toContain(token);
	});

	it('retries a refused send and then delivers', async () => {
		smtp = await startSmtp({ failFirst: 1 });
		const { logger, lines } = recordingLogger();
		const mailer = createMailer({ smtpUrl: smtp.url, from: 'Kring <kring@localhost>', logger, backoffMs: [10] });
		await mailer.send({ to: 'a@example.test', subject: 'Proef', text: 'geheim-123', html: '<p>geheim-123</p>' });
		expect(smtp.received).toHaveLength(1);
		expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
		expect(JSON.stringify(lines)).not.toContain('geheim-123');
	});

	it('rejects with a MailError after the last attempt; sendQuietly never rejects', async () => {
		smtp = await startSmtp({ failFirst: 10 });
		const { logger, lines } = recordingLogger();
		const mailer = createMailer({ smtpUrl: smtp.url, from: 'Kring <kring@localhost>', logger, attempts: 3, backoffMs: [5, 5] });
		await expect(mailer.send({ to: 'a@example.test', subject: 'Proef', text: 'geheim-123', html: '' })).rejects.toBeInstanceOf(MailError);
		expect(lines.map((l) => l.level)).toEqual(['warn', 'warn', 'error']);
		expect(await sendQuietly(mailer, { to: 'a@example.test', subject: 'Proef', text: 'geheim-123', html: '' })).toBe(false);
		expect(smtp.received).toHaveLength(0);
		expect(JSON.stringify(lines)).not.toContain('geheim-123');
	});
});

describe('mail off', () => {
	it('sends nothing and logs "mail off" without the body', async () => {
		const { logger, lines } = recordingLogger();
		const mailer = createMailer({ smtpUrl: null, from: 'Kring <kring@localhost>', logger });
		expect(mailer.enabled).toBe(false);
		await mailer.send({ to: 'a@example.test', subject: 'Proef', text: 'geheim-123', html: '<p>geheim-123</p>' });
		expect(lines).toEqual([{ level: 'info', obj: { event: 'mail_off', to: 'a@example.test', subject: 'Proef' }, msg: 'mail off' }]);
	});
});

describe('templates', () => {
	it('escapes every interpolated value in the HTML', () => {
		const mail = invitationMail({
			to: 'x@example.test',
			inviterName: '<script>alert(1)</script>',
			regionName: 'A & B "regio"',
			roleLabel: "lezer'",
			link: 'https://kring.example.nl/uitnodiging/abc?x="><img src=x>',
			expiresAt: Date.UTC(2026, 0, 15)
		});
		expect(mail.html).not.toContain('<script>');
		expect(mail.html).not.toContain('"><img');
		expect(mail.html).toContain(escapeHtml('<script>alert(1)</script>'));
		expect(mail.html).toContain('A &amp; B &quot;regio&quot;');
		expect(mail.text).toContain('<script>alert(1)</script> nodigt u uit');
		expect(mail.text).toContain('15 januari 2026');
	});
});

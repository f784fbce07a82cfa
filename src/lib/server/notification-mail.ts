import { loadUserRoles } from './access.ts';
import { inSentence } from '../level-words.ts';
import type { Db } from './db.ts';
import { listInbox, type InboxItem } from './inbox.ts';
import type { Mailer } from './mail.ts';
import { escapeHtml, htmlButton, htmlFrame } from './mail-templates.ts';
import { generateSessionToken, sessionIdFromToken } from './session.ts';

/**
 * Notifications by e-mail, per person: 'immediate' (a mail shortly after a
 * new notification, several together when they come in a burst), 'daily' (one
 * digest at most every 24 hours) or 'off'. The in-app inbox is the source:
 * a mail only lists what the person's inbox shows (so a right taken away
 * takes its notifications out of the mail too), never comment text (this
 * field is sensitive: the mail says who did what where, the text stays in
 * Kring), and only unread notifications of the last three days.
 *
 * A failed send leaves the notifications unmailed, so the next sweep tries
 * again; the in-app notification is never touched.
 */
const MAX_AGE_MS = 3 * 86_400_000;
const DIGEST_EVERY_MS = 86_400_000;

/** Where a thread is, in the plan's own words: "speerpunt ‘Preventie’ (Uitvoeringsagenda)". */
function threadPlace(item: InboxItem & { type: 'thread' }): string {
	if (item.target.kind === 'plan') return `het plan ‘${item.planTitle}’`;
	const word = item.target.kind === 'theme' ? inSentence(item.words.theme) : 'actie';
	return `${word} ‘${item.target.title}’ (${item.planTitle})`;
}

function describe(item: InboxItem): string {
	if (item.type === 'thread') {
		const where = threadPlace(item);
		if (item.kind === 'mention') return `${item.actor} noemde je in een reactie bij ${where}.`;
		if (item.kind === 'reply') return `${item.actor} reageerde in een discussie bij ${where}.`;
		return `${item.actor} begon een discussie bij ${where}.`;
	}
	if (item.type === 'checkin')
		return `Hoe staat het met ${inSentence(item.words.theme)} ‘${item.themeTitle}’ (${item.planTitle})? Als ambassadeur vragen we je om een korte update.`;
	const todo = `Je hebt nog ${item.open} van ${item.total} ${item.total === 1 ? 'actie' : 'acties'} te beoordelen.`;
	if (item.kind === 'review_open') return `De evaluatie ‘${item.cycleTitle}’ (${item.planTitle}) is geopend. ${todo}`;
	if (item.kind === 'review_deadline') return `De voorbereiding van de evaluatie ‘${item.cycleTitle}’ (${item.planTitle}) sluit bijna. ${todo}`;
	return `Herinnering: de evaluatie ‘${item.cycleTitle}’ (${item.planTitle}). ${todo}`;
}

export function notificationMail(input: { name: string; items: InboxItem[]; inboxUrl: string; unsubscribeUrl: string; digest: boolean }) {
	const { items } = input;
	const subject =
		items.length === 1 && !input.digest
			? describe(items[0]).replace(/\.$/, '')
			: input.digest
				? `Kring: je overzicht van ${items.length} ${items.length === 1 ? 'melding' : 'meldingen'}`
				: `Kring: ${items.length} nieuwe meldingen`;
	const lines = items.map(describe);
	const text = [
		`Beste ${input.name},`,
		'',
		input.digest ? 'Dit is er sinds je vorige overzicht gebeurd in Kring:' : 'Er is iets nieuws voor je in Kring:',
		'',
		...lines.map((l) => `- ${l}`),
		'',
		`Bekijk alles in je inbox: ${input.inboxUrl}`,
		'',
		`Wil je deze e-mails niet meer ontvangen? Meld je af: ${input.unsubscribeUrl}`,
		'Je kunt dit ook aanpassen op je accountpagina.'
	].join('\n');
	const html = htmlFrame(
		subject,
		[
			`<p>Beste ${escapeHtml(input.name)},</p>`,
			`<p>${input.digest ? 'Dit is er sinds je vorige overzicht gebeurd in Kring:' : 'Er is iets nieuws voor je in Kring:'}</p>`,
			`<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
			htmlButton(input.inboxUrl, 'Naar je inbox'),
			`<p style="font-size: 14px;">Wil je deze e-mails niet meer ontvangen? <a href="${escapeHtml(input.unsubscribeUrl)}">Meld je af</a>. Je kunt dit ook aanpassen op je accountpagina.</p>`
		].join('\n')
	);
	return { subject, text, html };
}

export async function createUnsubscribeToken(db: Db, userId: string, now = Date.now()): Promise<string> {
	const token = generateSessionToken();
	await db.insertInto('unsubscribe_tokens').values({ id: sessionIdFromToken(token), user_id: userId, created_at: now }).execute();
	return token;
}

/** Whom an unsubscribe link is for (null: unknown or used). */
export async function unsubscribeTarget(db: Db, token: string): Promise<{ userId: string; name: string } | null> {
	if (!/^[a-z2-7]{32}$/.test(token)) return null;
	return (
		(await db
			.selectFrom('unsubscribe_tokens as t')
			.innerJoin('users as u', 'u.id', 't.user_id')
			.select(['u.id as userId', 'u.name'])
			.where('t.id', '=', sessionIdFromToken(token))
			.executeTakeFirst()) ?? null
	);
}

/** Turns notification mail off for the link's person; the link is used up. */
export async function unsubscribe(db: Db, token: string): Promise<boolean> {
	const target = await unsubscribeTarget(db, token);
	if (!target) return false;
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('users').set({ notification_mode: 'off' }).where('id', '=', target.userId).execute();
		await trx.deleteFrom('unsubscribe_tokens').where('id', '=', sessionIdFromToken(token)).execute();
	});
	return true;
}

/** One sweep: mails whoever has unmailed notifications due under their preference. Returns the number of mails sent. */
export async function sendNotificationMails(db: Db, options: { mailer: Mailer; baseUrl: string; now?: number }): Promise<number> {
	const now = options.now ?? Date.now();
	if (!options.mailer.enabled) return 0;
	const due = await db
		.selectFrom('notifications as n')
		.innerJoin('users as u', 'u.id', 'n.user_id')
		.select(['n.id', 'n.user_id', 'u.email', 'u.name', 'u.notification_mode', 'u.last_digest_at'])
		.where('n.mailed_at', 'is', null)
		.where('n.read_at', 'is', null)
		.where('n.created_at', '>', now - MAX_AGE_MS)
		.where('u.notification_mode', '!=', 'off')
		.where('u.deactivated_at', 'is', null)
		.where('u.password_hash', 'is not', null)
		.execute();
	// check-in requests to ambassadors go out the same way (src/lib/server/checkin.ts)
	const checkinRows = await db
		.selectFrom('checkin_requests as n')
		.innerJoin('users as u', 'u.id', 'n.user_id')
		.select(['n.id', 'n.user_id', 'u.email', 'u.name', 'u.notification_mode', 'u.last_digest_at'])
		.where('n.mailed_at', 'is', null)
		.where('n.read_at', 'is', null)
		.where('n.created_at', '>', now - MAX_AGE_MS)
		.where('u.notification_mode', '!=', 'off')
		.where('u.deactivated_at', 'is', null)
		.where('u.password_hash', 'is not', null)
		.execute();
	due.push(...checkinRows);
	const byUser = new Map<string, typeof due>();
	for (const row of due) {
		if (row.notification_mode === 'daily' && (row.last_digest_at ?? 0) > now - DIGEST_EVERY_MS) continue;
		let list = byUser.get(row.user_id);
		if (!list) byUser.set(row.user_id, (list = []));
		list.push(row);
	}
	let sent = 0;
	const base = options.baseUrl.replace(/\/$/, '');
	for (const [userId, rows] of byUser) {
		const ids = [...new Set(rows.map((r) => r.id))];
		// Claimed before sending: only what this sweep marked is mailed by it, so with several
		// nodes sweeping at the same moment each notification goes out once. Also what the inbox
		// no longer shows (a right taken away) is marked: never mailed later.
		const claimed = new Set<string>();
		for (const table of ['notifications', 'checkin_requests'] as const) {
			const marked = await db.updateTable(table).set({ mailed_at: now }).where('id', 'in', ids).where('mailed_at', 'is', null).returning('id').execute();
			for (const row of marked) claimed.add(row.id);
		}
		if (claimed.size === 0) continue;
		const items = (await listInbox(db, { id: userId, roles: await loadUserRoles(db, userId) }, 200)).filter((i) => claimed.has(i.id) && !i.read);
		const digest = rows[0].notification_mode === 'daily';
		if (items.length > 0) {
			const token = await createUnsubscribeToken(db, userId, now);
			const mail = notificationMail({ name: rows[0].name, items, digest, inboxUrl: `${base}/inbox`, unsubscribeUrl: `${base}/afmelden/${token}` });
			try {
				await options.mailer.send({ to: rows[0].email, ...mail });
			} catch {
				// Logged by the mailer; unmarked again, so the next sweep tries again.
				await db.transaction().execute(async (trx) => {
					for (const table of ['notifications', 'checkin_requests'] as const) {
						await trx.updateTable(table).set({ mailed_at: null }).where('id', 'in', [...claimed]).where('mailed_at', '=', now).execute();
					}
				});
				continue;
			}
			sent++;
		}
		if (digest) await db.updateTable('users').set({ last_digest_at: now }).where('id', '=', userId).execute();
	}
	return sent;
}

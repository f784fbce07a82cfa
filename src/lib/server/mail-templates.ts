import { inSentence } from '../level-words.ts';
import type { MailMessage } from './mail.ts';

/**
 * Dutch e-mail templates: each returns a plain-text and an HTML body.
 * Every interpolated value goes through escapeHtml() in the HTML part.
 * Others add their templates below (one exported function per message).
 */

export function escapeHtml(value: string): string {
	return value
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

/** A simple, accessible HTML frame around paragraphs already escaped. */
export function htmlFrame(title: string, bodyHtml: string): string {
	return [
		'<!doctype html>',
		'<html lang="nl"><head><meta charset="utf-8">',
		`<title>${escapeHtml(title)}</title></head>`,
		'<body style="font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; max-width: 36em;">',
		bodyHtml,
		'<p style="color: #555; font-size: 14px;">Kring — samen werken aan de aanpak van huiselijk geweld en kindermishandeling.</p>',
		'</body></html>'
	].join('\n');
}

/** A button-like link, with the address written out too for clients without HTML links. */
export function htmlButton(href: string, label: string): string {
	const h = escapeHtml(href);
	return (
		`<p><a href="${h}" style="display: inline-block; padding: 10px 16px; background: #01689b; color: #ffffff; text-decoration: none; border-radius: 4px;">${escapeHtml(label)}</a></p>` +
		`<p style="font-size: 14px;">Werkt de knop niet? Kopieer dan deze link in uw browser:<br>${h}</p>`
	);
}

export interface InvitationMail {
	to: string;
	/** name of the admin who invited */
	inviterName: string;
	regionName: string;
	/** Dutch description of the role, e.g. 'lezer' or 'redacteur van gemeente Arnhem' */
	roleLabel: string;
	/** the full link, e.g. https://kring.example.nl/uitnodiging/<token> */
	link: string;
	/** when the link stops working */
	expiresAt: number;
}

/**
 * The role an invitation gives, in Dutch, e.g. 'redacteur van gemeente Arnhem' or,
 * with the plan's own word for a theme, 'ambassadeur van speerpunt ‘Preventie’'.
 */
export function invitationRoleLabel(role: string, targetName: string | null, themeWord?: string): string {
	switch (role) {
		case 'admin':
			return 'beheerder';
		case 'editor':
			return 'werkgroeplid (redacteur)';
		case 'viewer':
			return 'lezer';
		case 'municipal_editor':
			return targetName ? `redacteur van gemeente ${targetName}` : 'redacteur van een gemeente';
		case 'ambassador':
			if (targetName && themeWord) return `ambassadeur van ${inSentence(themeWord)} ‘${targetName}’`;
			return targetName ? `ambassadeur van ${targetName}` : 'ambassadeur';
		default:
			return role;
	}
}

const dateFormat = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' });

export function invitationMail(input: InvitationMail): MailMessage {
	const expires = dateFormat.format(new Date(input.expiresAt));
	const subject = `Uitnodiging voor Kring: ${input.regionName}`;
	const text = [
		'Hallo,',
		'',
		`${input.inviterName} nodigt u uit voor Kring, regio ${input.regionName}, als ${input.roleLabel}.`,
		'',
		'Open deze link om de uitnodiging aan te nemen:',
		input.link,
		'',
		`De link werkt één keer en tot ${expires}.`,
		'Hebt u deze uitnodiging niet verwacht? Dan kunt u deze e-mail negeren.',
		'',
		'Kring'
	].join('\n');
	const html = htmlFrame(
		subject,
		[
			'<p>Hallo,</p>',
			`<p>${escapeHtml(input.inviterName)} nodigt u uit voor Kring, regio ${escapeHtml(input.regionName)}, als ${escapeHtml(input.roleLabel)}.</p>`,
			htmlButton(input.link, 'Uitnodiging aannemen'),
			`<p>De link werkt één keer en tot ${escapeHtml(expires)}.</p>`,
			'<p>Hebt u deze uitnodiging niet verwacht? Dan kunt u deze e-mail negeren.</p>'
		].join('\n')
	);
	return { to: input.to, subject, text, html };
}

import type { MailMessage } from './mail.ts';
import { escapeHtml, htmlButton, htmlFrame } from './mail-templates.ts';

/**
 * Dutch mails about one's own account: password reset, e-mail address change
 * (the link to the new address, and a notice to the old one). Plain text and
 * HTML; every interpolated value is escaped in the HTML part.
 */

const timeFormat = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });

export function passwordResetMail(input: { to: string; name: string; link: string; expiresAt: number }): MailMessage {
	const until = timeFormat.format(new Date(input.expiresAt));
	const subject = 'Nieuw wachtwoord voor Kring';
	const text = [
		`Hallo ${input.name},`,
		'',
		'Iemand heeft gevraagd om een nieuw wachtwoord voor uw account bij Kring. Was u dat? Open dan deze link en kies een nieuw wachtwoord:',
		input.link,
		'',
		`De link werkt één keer en tot ${until} uur (één uur). Daarna wordt u op al uw apparaten uitgelogd.`,
		'Hebt u niets gevraagd? Dan kunt u deze e-mail negeren: uw wachtwoord blijft hetzelfde.',
		'',
		'Kring'
	].join('\n');
	const html = htmlFrame(
		subject,
		[
			`<p>Hallo ${escapeHtml(input.name)},</p>`,
			'<p>Iemand heeft gevraagd om een nieuw wachtwoord voor uw account bij Kring. Was u dat? Kies dan een nieuw wachtwoord:</p>',
			htmlButton(input.link, 'Nieuw wachtwoord kiezen'),
			`<p>De link werkt één keer en tot ${escapeHtml(until)} uur (één uur). Daarna wordt u op al uw apparaten uitgelogd.</p>`,
			'<p>Hebt u niets gevraagd? Dan kunt u deze e-mail negeren: uw wachtwoord blijft hetzelfde.</p>'
		].join('\n')
	);
	return { to: input.to, subject, text, html };
}

export function emailChangeMail(input: { to: string; name: string; link: string; expiresAt: number }): MailMessage {
	const until = timeFormat.format(new Date(input.expiresAt));
	const subject = 'Bevestig uw nieuwe e-mailadres voor Kring';
	const text = [
		`Hallo ${input.name},`,
		'',
		`U wilt voortaan met dit e-mailadres (${input.to}) inloggen bij Kring. Open deze link om dat te bevestigen:`,
		input.link,
		'',
		`De link werkt één keer en tot ${until} uur (één uur). Tot dan blijft uw oude e-mailadres gelden.`,
		'Hebt u dit niet gevraagd? Dan kunt u deze e-mail negeren.',
		'',
		'Kring'
	].join('\n');
	const html = htmlFrame(
		subject,
		[
			`<p>Hallo ${escapeHtml(input.name)},</p>`,
			`<p>U wilt voortaan met dit e-mailadres (${escapeHtml(input.to)}) inloggen bij Kring. Bevestig dat met de knop:</p>`,
			htmlButton(input.link, 'E-mailadres bevestigen'),
			`<p>De link werkt één keer en tot ${escapeHtml(until)} uur (één uur). Tot dan blijft uw oude e-mailadres gelden.</p>`,
			'<p>Hebt u dit niet gevraagd? Dan kunt u deze e-mail negeren.</p>'
		].join('\n')
	);
	return { to: input.to, subject, text, html };
}

/** To the old address once the change is done, so a hijacked session cannot change it unnoticed. */
export function emailChangedNotice(input: { to: string; name: string; newEmail: string }): MailMessage {
	const subject = 'Uw e-mailadres voor Kring is gewijzigd';
	const text = [
		`Hallo ${input.name},`,
		'',
		`Uw account bij Kring gebruikt vanaf nu het e-mailadres ${input.newEmail}. U logt voortaan met dat adres in.`,
		'Hebt u dit niet zelf gedaan? Neem dan meteen contact op met de beheerder van Kring in uw regio.',
		'',
		'Kring'
	].join('\n');
	const html = htmlFrame(
		subject,
		[
			`<p>Hallo ${escapeHtml(input.name)},</p>`,
			`<p>Uw account bij Kring gebruikt vanaf nu het e-mailadres ${escapeHtml(input.newEmail)}. U logt voortaan met dat adres in.</p>`,
			'<p>Hebt u dit niet zelf gedaan? Neem dan meteen contact op met de beheerder van Kring in uw regio.</p>'
		].join('\n')
	);
	return { to: input.to, subject, text, html };
}

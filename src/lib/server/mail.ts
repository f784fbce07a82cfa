import nodemailer from 'nodemailer';

/**
 * Outgoing e-mail over SMTP (nodemailer), or off.
 *
 * Contract:
 *  - `send()` resolves when the message was accepted by the SMTP server, or —
 *    when mail is off (`enabled === false`) — at once, after an info log line
 *    'mail off' (recipient and subject only, never the body).
 *  - A failed send is retried (3 attempts, back-off 0.5 s, 2 s). When all
 *    attempts fail, `send()` REJECTS with a `MailError` (its message never holds
 *    the body). Callers that send a notification, or mail after a committed
 *    change, must catch it (or use `sendQuietly`) and never fail the request:
 *    the in-app notification / the committed change stays, the log keeps the
 *    failure.
 *  - Log lines carry recipient, subject and attempt, never `text` or `html`
 *    (which may hold links with tokens).
 */
export interface MailMessage {
	to: string;
	subject: string;
	text: string;
	html: string;
}

export interface Mailer {
	send(message: MailMessage): Promise<void>;
	readonly enabled: boolean;
}

/** The minimal logger this module needs (pino's Logger fits). */
export interface MailLogger {
	info(obj: object, msg?: string): void;
	warn(obj: object, msg?: string): void;
	error(obj: object, msg?: string): void;
}

export class MailError extends Error {
	constructor(
		readonly to: string,
		readonly attempts: number,
		cause: unknown
	) {
		super(`mail to ${to} failed after ${attempts} attempts`, { cause });
		this.name = 'MailError';
	}
}

export interface MailerOptions {
	/** smtp://user:pass@host:port or smtps://…; null: mail is off */
	smtpUrl: string | null;
	/** the From header, e.g. 'Kring <kring@localhost>' */
	from: string;
	logger: MailLogger;
	/** attempts per message (default 3) */
	attempts?: number;
	/** waits before the 2nd, 3rd … attempt in ms (default [500, 2000]) */
	backoffMs?: number[];
}

/** A short, content-free description of a send error (no message body, no credentials). */
function describe(err: unknown): { code?: string; responseCode?: number; message: string } {
	const e = err as { code?: unknown; responseCode?: unknown; message?: unknown };
	return {
		code: typeof e?.code === 'string' ? e.code : undefined,
		responseCode: typeof e?.responseCode === 'number' ? e.responseCode : undefined,
		message: typeof e?.message === 'string' ? e.message.slice(0, 200) : String(err).slice(0, 200)
	};
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createMailer(options: MailerOptions): Mailer {
	const { smtpUrl, from, logger } = options;
	if (!smtpUrl) {
		return {
			enabled: false,
			async send(message) {
				logger.info({ event: 'mail_off', to: message.to, subject: message.subject }, 'mail off');
			}
		};
	}
	const transport = nodemailer.createTransport(smtpUrl);
	const attempts = Math.max(1, options.attempts ?? 3);
	const backoff = options.backoffMs ?? [500, 2000];
	return {
		enabled: true,
		async send(message) {
			let lastError: unknown;
			for (let attempt = 1; attempt <= attempts; attempt++) {
				try {
					await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
					logger.info({ event: 'mail_sent', to: message.to, subject: message.subject, attempt }, 'mail sent');
					return;
				} catch (err) {
					lastError = err;
					const level = attempt < attempts ? 'warn' : 'error';
					logger[level]({ event: 'mail_failed', to: message.to, subject: message.subject, attempt, error: describe(err) }, 'mail failed');
					if (attempt < attempts) await sleep(backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 0);
				}
			}
			throw new MailError(message.to, attempts, lastError);
		}
	};
}

/**
 * Sends and never rejects: returns true when sent (or mail is off: false).
 * For callers whose request must not fail on a mail error.
 */
export async function sendQuietly(mailer: Mailer, message: MailMessage): Promise<boolean> {
	if (!mailer.enabled) {
		await mailer.send(message);
		return false;
	}
	try {
		await mailer.send(message);
		return true;
	} catch {
		// already logged by the mailer, without content
		return false;
	}
}

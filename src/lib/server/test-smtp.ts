import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on 127.0.0.1:0 that keeps what it receives; `failFirst` refuses that many messages with 451. For tests only. */
export async function startSmtp(options: { failFirst?: number } = {}) {
	const received: ParsedMail[] = [];
	let refusals = options.failFirst ?? 0;
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, _session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', async () => {
				if (refusals > 0) {
					refusals--;
					const err = new Error('try again later') as Error & { responseCode: number };
					err.responseCode = 451;
					callback(err);
					return;
				}
				received.push(await simpleParser(Buffer.concat(chunks)));
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const port = (server.server.address() as AddressInfo).port;
	return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

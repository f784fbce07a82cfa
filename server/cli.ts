import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { m } from '../src/lib/paraglide/messages.js';
import { passwordProblemMessage } from '../src/lib/password-messages.ts';
import { openTarget } from '../src/lib/server/db.ts';
import { migrateToLatest } from '../src/lib/server/migrate.ts';
import { checkPasswordStrength } from '../src/lib/server/password.ts';
import { createAdminInvitation, createInstanceAdmin, EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, setupBaseUrl, setupUrl } from '../src/lib/server/setup.ts';
import { getUserByEmail } from '../src/lib/server/user.ts';
import { readConfig } from './config.ts';

/**
 * `npm run kring -- create-admin --email … --name … [--invite]`: an instance
 * admin for scripted installs, on the database at DATABASE_PATH (migrated
 * first, like the server does).
 *
 * The password comes from stdin: one line when piped; asked twice, without
 * echo, on a terminal. With --invite, or when stdin gives no password, it
 * prints a one-time /installatie/<token> link bound to that address instead,
 * where the person chooses their own password.
 *
 * Exit codes: 0 done, 1 bad input (message on stderr; nothing changed).
 */

// not imported from ./app.ts: that would load the whole server (collab, Yjs) for a one-shot command
const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

class CliError extends Error {}

const Email = v.pipe(v.string(), v.trim(), v.maxLength(EMAIL_MAX_LENGTH), v.email());
const Name = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(NAME_MAX_LENGTH));

/** All of a piped stdin's first line (without the line break). */
async function readFirstLine(): Promise<string> {
	let text = '';
	for await (const chunk of process.stdin) {
		text += chunk.toString('utf8');
		if (text.includes('\n')) break;
	}
	return text.split(/\r?\n/)[0] ?? '';
}

/** Asks on the terminal without echoing what is typed. */
function askHidden(prompt: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
		const output = rl as unknown as { _writeToOutput: (s: string) => void };
		let prompted = false;
		output._writeToOutput = (s: string) => {
			// the prompt once; nothing of what is typed
			if (!prompted) {
				process.stderr.write(s);
				prompted = true;
			}
		};
		rl.question(prompt, (answer) => {
			rl.close();
			process.stderr.write('\n');
			resolve(answer);
		});
		rl.on('SIGINT', () => {
			rl.close();
			reject(new CliError(''));
		});
	});
}

async function readPassword(): Promise<string> {
	if (!process.stdin.isTTY) return readFirstLine();
	const first = await askHidden(m.setup_cli_password_prompt());
	if (first === '') return '';
	const second = await askHidden(m.setup_cli_password_repeat());
	if (first !== second) throw new CliError(m.setup_cli_password_mismatch());
	return first;
}

async function createAdmin(args: string[]): Promise<void> {
	const { values } = parseArgs({
		args,
		options: { email: { type: 'string' }, name: { type: 'string' }, invite: { type: 'boolean', default: false } },
		strict: true
	});
	const email = v.safeParse(Email, values.email ?? '');
	if (!email.success) throw new CliError(m.setup_cli_email_invalid());
	const name = v.safeParse(Name, values.name ?? '');
	if (!name.success) throw new CliError(m.setup_cli_name_invalid());

	const config = readConfig();
	const { db } = openTarget(config.database);
	try {
		await migrateToLatest(db, MIGRATIONS_DIR);
		if (await getUserByEmail(db, email.output)) throw new CliError(m.setup_cli_email_taken({ email: email.output }));
		const password = values.invite ? '' : await readPassword();
		const base = setupBaseUrl(config);
		if (password === '') {
			const { token, expiresAt } = await createAdminInvitation(db, email.output);
			const until = new Date(expiresAt).toLocaleString('nl-NL', { dateStyle: 'long', timeStyle: 'short' });
			process.stdout.write(`${m.setup_cli_invite({ email: email.output, until })}\n${setupUrl(base, token)}\n`);
			return;
		}
		const problem = checkPasswordStrength(password, { email: email.output });
		if (problem) throw new CliError(m.setup_cli_password_refused({ reason: passwordProblemMessage(problem) }));
		const result = await createInstanceAdmin(db, { name: name.output, email: email.output, password });
		if (!result.ok) {
			if (result.reason === 'email_taken') throw new CliError(m.setup_cli_email_taken({ email: email.output }));
			if (result.reason === 'password') throw new CliError(m.setup_cli_password_refused({ reason: passwordProblemMessage(result.problem) }));
			throw new CliError(m.setup_cli_name_invalid());
		}
		process.stdout.write(`${m.setup_cli_created({ email: result.user.email, url: `${base}/login` })}\n`);
	} finally {
		await db.destroy();
	}
}

async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	try {
		if (command === 'create-admin') {
			await createAdmin(rest);
			return 0;
		}
		throw new CliError(m.setup_cli_usage());
	} catch (err) {
		if (err instanceof CliError) {
			if (err.message) process.stderr.write(`${err.message}\n`);
			return 1;
		}
		// parseArgs: an unknown or malformed option
		if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
			process.stderr.write(`${err.message}\n${m.setup_cli_usage()}\n`);
			return 1;
		}
		throw err;
	}
}

process.exitCode = await main(process.argv.slice(2));

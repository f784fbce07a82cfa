import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * OpenDocument (ODT) by converting the DOCX export with the host's LibreOffice
 * (`soffice --headless --convert-to`). LibreOffice is optional: without it
 * `findSoffice` is null and the routes say so; DOCX and PDF still work.
 */

/** SOFFICE_PATH, else Debian's /usr/bin/soffice or /usr/bin/libreoffice; null when none can run. */
export function findSoffice(env: Record<string, string | undefined>): string | null {
	for (const path of [env.SOFFICE_PATH, '/usr/bin/soffice', '/usr/bin/libreoffice', '/usr/lib/libreoffice/program/soffice'].filter((p): p is string => Boolean(p))) {
		try {
			accessSync(path, constants.X_OK);
			return path;
		} catch {
			// try the next one
		}
	}
	return null;
}

/** A conversion of a large plan takes a core and a few seconds: one at a time. */
let queue: Promise<unknown> = Promise.resolve();

const TIMEOUT_MS = 60_000;

/**
 * Converts a DOCX with LibreOffice to `format` ('odt', or 'pdf' for checks).
 * Each run gets its own temporary profile, so conversions never wait on a
 * profile lock or on a LibreOffice the host's user has open.
 */
export function convertDocx(soffice: string, docx: Uint8Array, format: 'odt' | 'pdf'): Promise<Buffer> {
	const run = queue.then(async () => {
		const dir = await mkdtemp(join(tmpdir(), 'kring-soffice-'));
		try {
			const input = join(dir, 'plan.docx');
			await writeFile(input, docx);
			await new Promise<void>((resolve, reject) => {
				execFile(
					soffice,
					[`-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`, '--headless', '--norestore', '--convert-to', format, '--outdir', dir, input],
					{ timeout: TIMEOUT_MS, env: { ...process.env, HOME: dir } },
					(err) => (err ? reject(err) : resolve())
				);
			});
			return await readFile(join(dir, `plan.${format}`));
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
	queue = run.catch(() => undefined);
	return run;
}

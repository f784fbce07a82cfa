import Sqlite from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run backup -- <dir>`: a consistent copy of the database at DATABASE_PATH,
 * made while Kring runs.
 *
 * `VACUUM INTO` reads the database in one read transaction on its own
 * connection: in WAL mode the running server keeps writing meanwhile, and the
 * copy is exactly the database as it was when the backup began (every edit the
 * server had acknowledged by then is in it). The copy is written under a
 * temporary name, checked with `PRAGMA integrity_check`, and only then renamed
 * to `kring-<UTC time>.db`; of those files the newest BACKUP_KEEP (14) stay.
 * Prints the path of the copy on stdout; exit code 1 with a message on stderr
 * when anything fails.
 */

export const BACKUP_NAME = /^kring-\d{8}T\d{9}Z\.db$/;

export interface BackupResult {
	path: string;
	bytes: number;
	removed: string[];
}

function stamp(date: Date): string {
	// 2026-12-01T21:40:05.123Z → 20261201T214005123Z (sorts by time)
	return date.toISOString().replace(/[-:.]/g, '');
}

export function backupDatabase(databasePath: string, dir: string, keep = 14, now = new Date()): BackupResult {
	if (!Number.isInteger(keep) || keep < 1) throw new Error(`BACKUP_KEEP must be a whole number of at least 1, got "${keep}"`);
	if (!existsSync(databasePath)) throw new Error(`no database at ${databasePath} (check DATABASE_PATH)`);
	mkdirSync(dir, { recursive: true });
	let target = join(dir, `kring-${stamp(now)}.db`);
	for (let ms = 1; existsSync(target); ms++) target = join(dir, `kring-${stamp(new Date(now.getTime() + ms))}.db`);
	const partial = `${target}.partial`;
	rmSync(partial, { force: true });

	const source = new Sqlite(databasePath, { fileMustExist: true });
	try {
		source.pragma('busy_timeout = 10000');
		source.prepare('VACUUM INTO ?').run(partial);
	} catch (error) {
		rmSync(partial, { force: true });
		throw error;
	} finally {
		source.close();
	}

	const copy = new Sqlite(partial, { fileMustExist: true });
	let problems: string[];
	try {
		problems = (copy.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
	} finally {
		copy.close();
	}
	if (problems.length !== 1 || problems[0] !== 'ok') {
		rmSync(partial, { force: true });
		throw new Error(`the copy failed PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}`);
	}
	renameSync(partial, target);

	const backups = readdirSync(dir)
		.filter((name) => BACKUP_NAME.test(name))
		.sort();
	const removed: string[] = [];
	for (const name of backups.slice(0, Math.max(0, backups.length - keep))) {
		rmSync(join(dir, name), { force: true });
		removed.push(join(dir, name));
	}
	return { path: target, bytes: statSync(target).size, removed };
}

function keepFromEnv(raw: string | undefined): number {
	if (raw === undefined || raw.trim() === '') return 14;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 1 || value > 100_000) throw new Error(`BACKUP_KEEP must be a whole number from 1 to 100000, got "${raw}"`);
	return value;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const dir = process.argv[2];
	if (!dir || dir.startsWith('-')) {
		console.error('usage: npm run backup -- <directory>   (copies DATABASE_PATH; keeps the newest BACKUP_KEEP, default 14)');
		process.exit(1);
	}
	if (process.env.DATABASE_URL?.trim()) {
		// PostgreSQL has its own consistent online copy; Kring does not wrap it (docs/scaling.md, "Backups")
		console.error('DATABASE_URL is set: back up PostgreSQL with pg_dump, e.g. pg_dump --format=custom --file=kring.dump "$DATABASE_URL"');
		process.exit(1);
	}
	try {
		const databasePath = resolve(process.env.DATABASE_PATH?.trim() || 'data/kring.db');
		const result = backupDatabase(databasePath, resolve(dir), keepFromEnv(process.env.BACKUP_KEEP));
		console.log(result.path);
	} catch (error) {
		console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	}
}

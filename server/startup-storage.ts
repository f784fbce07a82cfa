import { accessSync, constants, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Start-up failures a host can fix: the database folder cannot be written,
 * the disk is read-only or full, the file is not a Kring database. Each gets
 * one plain sentence naming the path and what to do, instead of a stack trace.
 */
export class StartupError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'StartupError';
	}
}

/** Below this much free space Kring does not start: a WAL checkpoint or a migration would fail halfway. */
export const MIN_FREE_BYTES = 2 * 1024 * 1024;
/** Below this much free space Kring starts but warns. */
export const LOW_FREE_BYTES = 100 * 1024 * 1024;

/** Free bytes on the disk that holds `path`, or null where the platform cannot tell. */
export function freeBytes(path: string): number | null {
	try {
		const stats = statfsSync(dirname(path));
		return stats.bavail * stats.bsize;
	} catch {
		return null;
	}
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The host's sentence for a failure to open, migrate or write the database; null for anything else. */
export function explainStorageFailure(err: unknown, databasePath: string): string | null {
	const raw = (err as { code?: unknown } | null)?.code;
	if (typeof raw !== 'string') return null;
	const folder = dirname(databasePath);
	// SQLite says only "cannot open" where the folder is read-only or closed to Kring (its -wal file cannot be made)
	const code: string = raw.startsWith('SQLITE_CANTOPEN') ? (folderWriteProblem(folder) ?? raw) : raw;
	if (/^(EROFS|SQLITE_READONLY)/.test(code))
		return `The disk that holds the database (${databasePath}, DATABASE_PATH) is read-only. Kring needs to write there: mount it read-write, or set DATABASE_PATH to a writable disk.`;
	if (/^(ENOSPC|EDQUOT|SQLITE_FULL)/.test(code)) {
		const free = freeBytes(databasePath);
		return `The disk that holds the database (${databasePath}, DATABASE_PATH) is full${free === null ? '' : ` (${mb(free)} free)`}. Make room or move the database to a larger disk; nothing was changed.`;
	}
	if (/^(EACCES|EPERM)/.test(code))
		return `Kring may not write to ${folder} (the folder of DATABASE_PATH=${databasePath}). Give the user that runs Kring write access to that folder, or set DATABASE_PATH elsewhere.`;
	if (/^(EISDIR|ENOTDIR|SQLITE_CANTOPEN)/.test(code))
		return `Kring cannot open the database file ${databasePath} (DATABASE_PATH): check that it names a file (not a folder) in a folder that exists and can be written.`;
	if (/^(SQLITE_NOTADB|SQLITE_CORRUPT)/.test(code))
		return `${databasePath} (DATABASE_PATH) is not a readable Kring database: it is damaged or another kind of file. Restore the last backup (docs/operations.md) or point DATABASE_PATH at the right file.`;
	if (/^SQLITE_IOERR/.test(code))
		return `The disk that holds the database (${databasePath}, DATABASE_PATH) gave a read or write error (${code}). Check the disk before starting Kring again.`;
	return null;
}

function folderWriteProblem(folder: string): string | null {
	try {
		accessSync(folder, constants.W_OK);
		return null;
	} catch (err) {
		const code = (err as { code?: unknown }).code;
		return typeof code === 'string' ? code : null;
	}
}

/** Refuses to start on a disk that has next to no room left. */
export function assertRoomToStart(databasePath: string, free = freeBytes(databasePath)): void {
	if (free !== null && free < MIN_FREE_BYTES)
		throw new StartupError(
			`The disk that holds the database (${databasePath}, DATABASE_PATH) is full (${mb(free)} free; Kring needs at least ${mb(MIN_FREE_BYTES)}). Make room or move the database to a larger disk; nothing was changed.`
		);
}

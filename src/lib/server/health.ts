import { sql } from 'kysely';
import type { Db } from './db.ts';

/**
 * Whether Kring can still save. A health check that only reads stays green
 * on a full or read-only disk while every edit fails; this one writes a row.
 */
const STORAGE_CODES = /^(SQLITE_FULL|SQLITE_IOERR|SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_CORRUPT|SQLITE_NOTADB|ENOSPC|EROFS|EDQUOT)/;

/** A failure of the disk or the database file, as opposed to a bug or bad input. */
export function isStorageError(err: unknown): boolean {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === 'string' && STORAGE_CODES.test(code);
}

export type Health = { ok: true } | { ok: false; reason: 'storage' | 'database'; code: string | null };

export async function checkHealth(db: Db, now = Date.now()): Promise<Health> {
	try {
		await sql`select 1`.execute(db);
		await db
			.insertInto('health_probe')
			.values({ id: 1, at: now })
			.onConflict((oc) => oc.column('id').doUpdateSet({ at: now }))
			.execute();
		return { ok: true };
	} catch (err) {
		const code = (err as { code?: unknown }).code;
		return { ok: false, reason: isStorageError(err) ? 'storage' : 'database', code: typeof code === 'string' ? code : null };
	}
}

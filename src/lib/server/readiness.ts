import { sql } from 'kysely';
import { readdir } from 'node:fs/promises';
import type { Db } from './db.ts';

/**
 * Readiness: whether this process should get traffic. Unlike /healthz
 * (alive, can save), a ready process also has every migration of its own
 * code applied and is not shutting down. A load balancer takes a draining
 * process out of rotation while it finishes what it has.
 *
 * The draining flag lives on globalThis: server/ and the SvelteKit bundle load
 * this module separately, and both must see the one flag.
 */
const KEY = Symbol.for('kring.draining');
type Holder = { [KEY]?: boolean };

/** Set once at the start of shutdown (SIGTERM); a process never becomes ready again. */
export function setDraining(): void {
	(globalThis as Holder)[KEY] = true;
}

export function isDraining(): boolean {
	return (globalThis as Holder)[KEY] === true;
}

export type Readiness =
	| { ready: true }
	| { ready: false; reason: 'draining' | 'database' | 'migrations'; pending?: string[] };

/** Migration names (file name without `.ts`) in the folder, as the migrator reads them (src/lib/server/migrate.ts). */
export async function migrationNames(folder: string): Promise<string[]> {
	return (await readdir(folder))
		.filter((f) => /^\d{4}_[a-z0-9_]+\.ts$/.test(f))
		.map((f) => f.replace(/\.ts$/, ''))
		.sort();
}

export async function checkReadiness(db: Db, migrationsDir: string): Promise<Readiness> {
	if (isDraining()) return { ready: false, reason: 'draining' };
	try {
		await sql`select 1`.execute(db);
	} catch {
		return { ready: false, reason: 'database' };
	}
	let applied = new Set<string>();
	try {
		const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
		applied = new Set(rows.rows.map((r) => r.name));
	} catch {
		// no migration table: nothing applied yet
	}
	const pending = (await migrationNames(migrationsDir)).filter((name) => !applied.has(name));
	if (pending.length > 0) return { ready: false, reason: 'migrations', pending };
	// checked again: shutdown may have begun while the database answered
	if (isDraining()) return { ready: false, reason: 'draining' };
	return { ready: true };
}

/** For tests: a fresh process is not draining. */
export function resetDrainingForTests(): void {
	delete (globalThis as Holder)[KEY];
}

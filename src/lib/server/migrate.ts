import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Db } from './db.ts';

/** Reads `NNNN_name.ts` files from the migrations folder, in name order. */
class FolderMigrationProvider implements MigrationProvider {
	constructor(private folder: string) {}

	async getMigrations(): Promise<Record<string, Migration>> {
		const files = (await readdir(this.folder)).filter((f) => /^\d{4}_[a-z0-9_]+\.ts$/.test(f)).sort();
		const migrations: Record<string, Migration> = {};
		for (const file of files) {
			migrations[file.replace(/\.ts$/, '')] = await import(pathToFileURL(join(this.folder, file)).href);
		}
		return migrations;
	}
}

export function migrator(db: Db, folder: string): Migrator {
	return new Migrator({ db, provider: new FolderMigrationProvider(folder) });
}

function check(result: MigrationResultSet): MigrationResultSet {
	if (result.error) throw result.error;
	return result;
}

export async function migrateToLatest(db: Db, folder: string): Promise<MigrationResultSet> {
	return check(await migrator(db, folder).migrateToLatest());
}

export async function migrateDownToEmpty(db: Db, folder: string): Promise<MigrationResultSet> {
	const { NO_MIGRATIONS } = await import('kysely');
	return check(await migrator(db, folder).migrateTo(NO_MIGRATIONS));
}

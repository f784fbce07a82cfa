import { MIGRATIONS_DIR } from './app.ts';
import { readConfig } from './config.ts';
import { openDatabase } from '../src/lib/server/db.ts';
import { migrateToLatest } from '../src/lib/server/migrate.ts';

/** `npm run migrate`: brings the database at DATABASE_PATH to the latest schema. */
const config = readConfig();
const { db } = openDatabase(config.databasePath);
const result = await migrateToLatest(db, MIGRATIONS_DIR);
for (const m of result.results ?? []) console.log(`${m.status}: ${m.migrationName}`);
if (!result.results?.length) console.log('Database is up to date.');
await db.destroy();

import { MIGRATIONS_DIR } from './app.ts';
import { readConfig } from './config.ts';
import { openTarget } from '../src/lib/server/db.ts';
import { migrateToLatest } from '../src/lib/server/migrate.ts';

/** `npm run migrate`: brings the database (DATABASE_URL if set, else DATABASE_PATH) to the latest schema. */
const config = readConfig();
const { db } = openTarget(config.database);
const result = await migrateToLatest(db, MIGRATIONS_DIR);
for (const m of result.results ?? []) console.log(`${m.status}: ${m.migrationName}`);
if (!result.results?.length) console.log('Database is up to date.');
await db.destroy();

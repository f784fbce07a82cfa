import { sql, type Transaction } from 'kysely';
import { isPostgres, type Db } from './db.ts';
import type { Database } from './schema.ts';

/**
 * The ordered lists whose items get the next position at the end: `parent`
 * is the column that groups one list (themes are numbered across the whole
 * plan, not per chapter).
 */
const LISTS = {
	actions: 'theme_id',
	themes: 'plan_id',
	chapters: 'plan_id',
	council_responses: 'version_id'
} as const;

export type PositionList = keyof typeof LISTS;

/** Advisory-lock namespace of the position locks (throttle.ts has 0x6b72_0001). */
const POSITION_LOCKS = 0x6b72_0002;

/**
 * The position of the last item of one list (0 when empty), inside a
 * transaction. On PostgreSQL it first takes a transaction-scoped advisory
 * lock on the list, so that a second writer (another request, another node)
 * waits until this transaction has committed its row and then reads past it.
 * On SQLite the single connection already serialises transactions.
 */
export async function lastPosition(trx: Transaction<Database>, list: PositionList, parentId: string): Promise<number> {
	if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${POSITION_LOCKS}, hashtext(${`${list}:${parentId}`}))`.execute(trx);
	const last = await trx
		.selectFrom(list)
		.select((eb) => eb.fn.max<number>('position').as('max'))
		.where(LISTS[list], '=', parentId)
		.executeTakeFirst();
	return Number(last?.max ?? 0);
}

/** Runs `write` with the position after the last item of one list, in one transaction (see lastPosition). */
export async function atEnd<T>(db: Db, list: PositionList, parentId: string, write: (trx: Transaction<Database>, position: number) => Promise<T>): Promise<T> {
	const run = async (trx: Transaction<Database>) => write(trx, (await lastPosition(trx, list, parentId)) + 1);
	return db.isTransaction ? run(db as Transaction<Database>) : db.transaction().execute(run);
}

/**
 * Where editing sessions really end. The collaboration server writes a
 * running session's end (`collab_history.ended_at`, `seq_to`) lazily, not per
 * update (server/collab/store.ts); every stored update records its authors
 * and time (`collab_updates.author_ids`, `created_at`), so an author's latest
 * session reaches their last update after the row's `seq_to`. Used by the
 * store after a restart and by the history readers (history.ts).
 */

/** Where an author's latest session really ends: their last update after `afterSeq`. */
export interface SessionTail {
	seq: number;
	at: number;
}

/**
 * The authors of a stored update as recorded in collab_updates: the user ids,
 * or `[null]` for a change of the server itself (no authors but a time), or
 * none for an update stored without origin (seeding).
 */
export function updateAuthors(authorIds: string | null, createdAt: number | null): Array<string | null> {
	if (authorIds) return authorIds.split(' ');
	return createdAt === null ? [] : [null];
}

/**
 * The last update of each of `authors` among `updates` (in seq order, after
 * their sessions' recorded ends): how far their latest sessions really reach.
 */
export function sessionTails(
	updates: Iterable<{ seq: number; created_at: number | null; author_ids: string | null }>,
	after: ReadonlyMap<string | null, number>
): Map<string | null, SessionTail> {
	const tails = new Map<string | null, SessionTail>();
	for (const u of updates) {
		for (const author of updateAuthors(u.author_ids, u.created_at)) {
			const from = after.get(author);
			if (from !== undefined && u.seq > from && u.created_at !== null) tails.set(author, { seq: u.seq, at: u.created_at });
		}
	}
	return tails;
}

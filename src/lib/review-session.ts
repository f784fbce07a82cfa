import type { CycleOverview } from './server/review.ts';

/** One action of an evaluation session as the session page shows it (without the reader's own vote). */
export type SessionItem = CycleOverview[number] & { successor: { id: string; title: string } | null };

/**
 * What a vote, a decision or the facilitator's step changed, carried in the
 * plan's live event itself: every screen in the room applies it at once
 * instead of reloading the page data (40 screens, one vote: 0 reloads).
 * `at` is the server's clock, so data loaded after the change wins.
 */
export interface SessionPatch {
	at: number;
	/** the facilitator showed another action */
	currentActionId?: string | null;
	/** an action's tally, votes or decision changed */
	item?: SessionItem;
}

export interface SessionState<T extends SessionItem> {
	items: (T | (SessionItem & { myVote: SessionItem['votes'][number] | null }))[];
	currentActionId: string | null;
}

/** The page data with the live patches that arrived after it was loaded. */
export function applySessionPatches<T extends SessionItem & { myVote: unknown }>(
	data: { items: T[]; currentActionId: string | null; loadedAt: number; userId: string },
	patches: readonly SessionPatch[]
): SessionState<T> {
	const newer = patches.filter((p) => p.at > data.loadedAt);
	const items: SessionState<T>['items'] = data.items.map((item) => {
		let latest: SessionItem | null = null;
		for (const p of newer) if (p.item?.action.id === item.action.id) latest = p.item;
		return latest ? { ...latest, myVote: latest.votes.find((vote) => vote.userId === data.userId) ?? null } : item;
	});
	let currentActionId = data.currentActionId;
	for (const p of newer) if (p.currentActionId !== undefined) currentActionId = p.currentActionId;
	return { items, currentActionId };
}

import { describe, expect, it } from 'vitest';
import { applySessionPatches, type SessionItem } from './review-session.ts';

const item = (id: string, votes: { userId: string; verdict: string }[] = []) =>
	({ action: { id }, votes, tally: { keep: votes.length }, decision: null, review: null, successor: null }) as unknown as SessionItem;
const withMine = (i: SessionItem) => ({ ...i, myVote: null });
const data = { items: [withMine(item('a')), withMine(item('b'))], currentActionId: 'a', loadedAt: 1000, userId: 'u1' };

describe('applySessionPatches', () => {
	it('puts a newer vote into its action, with the reader’s own vote found again', () => {
		const voted = item('b', [{ userId: 'u1', verdict: 'keep' }]);
		const state = applySessionPatches(data, [{ at: 1001, item: voted }]);
		expect(state.items[1].votes).toHaveLength(1);
		expect(state.items[1].myVote).toMatchObject({ verdict: 'keep' });
		expect(state.items[0]).toBe(data.items[0]);
	});

	it('ignores a patch the loaded data already holds', () => {
		const state = applySessionPatches(data, [{ at: 999, item: item('b', [{ userId: 'u2', verdict: 'drop' }]) }, { at: 999, currentActionId: 'b' }]);
		expect(state.items[1]).toBe(data.items[1]);
		expect(state.currentActionId).toBe('a');
	});

	it('follows the facilitator’s latest step', () => {
		expect(applySessionPatches(data, [{ at: 1001, currentActionId: 'b' }, { at: 1002, currentActionId: 'a' }, { at: 1003, currentActionId: 'b' }]).currentActionId).toBe('b');
	});
});

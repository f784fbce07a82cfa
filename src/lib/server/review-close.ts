import { createHash } from 'node:crypto';
import { CLOSE_OUTCOMES, type CloseOutcome, type ClosePlanItem } from '../review-outcomes.ts';
import type { CycleAction, DecisionRow, ReviewRow } from './review.ts';

export { CLOSE_OUTCOMES, type CloseOutcome, type ClosePlanItem };

/**
 * What closing a cycle does to each action (the outcomes are described in
 * review-outcomes.ts), decided before anything is written. The preview page
 * shows this plan and closeCycle carries out this same plan, so what the
 * admin confirms is what happens.
 */
export interface ClosePlan {
	items: ClosePlanItem[];
	/** the actions without any decision, in plan order */
	undecided: string[];
	/** short fingerprint of the plan: a confirmation made on an older preview is refused */
	key: string;
}

/** What closing would do now, from the cycle's actions, decisions and reviews (pure; loadClosePlan in review.ts reads them). */
export function planClose(input: { actions: CycleAction[]; decisions: DecisionRow[]; reviews: Pick<ReviewRow, 'actionId' | 'reason'>[] }): ClosePlan {
	const decisionBy = new Map(input.decisions.map((d) => [d.actionId, d]));
	const reasonBy = new Map(input.reviews.map((r) => [r.actionId, r.reason]));
	const items = input.actions.map((action): ClosePlanItem => {
		const decision = decisionBy.get(action.id);
		const base = { actionId: action.id, title: action.title, themeTitle: action.themeTitle, themeNumber: action.themeNumber, undecided: !decision };
		const archiveReason = decision?.decisionText || reasonBy.get(action.id) || null;
		switch (decision?.verdict ?? null) {
			case 'drop':
				return { ...base, outcome: 'archive', reason: archiveReason };
			case 'renew':
				return { ...base, outcome: 'renew', reason: archiveReason };
			case 'strengthen':
				return { ...base, outcome: 'flag', reason: decision!.decisionText };
			case 'keep':
				return { ...base, outcome: 'keep', reason: null };
			default:
				return { ...base, outcome: 'later', reason: null };
		}
	});
	const key = createHash('sha256')
		.update(items.map((i) => `${i.actionId}:${i.outcome}:${i.undecided ? 1 : 0}:${i.reason ?? ''}`).join('\n'))
		.digest('base64url')
		.slice(0, 16);
	return { items, undecided: items.filter((i) => i.undecided).map((i) => i.actionId), key };
}

/** The plan's actions per outcome, in plan order (for the preview's lists). */
export function groupClosePlan(plan: ClosePlan): Record<CloseOutcome, ClosePlanItem[]> {
	const out: Record<CloseOutcome, ClosePlanItem[]> = { archive: [], renew: [], flag: [], keep: [], later: [] };
	for (const item of plan.items) out[item.outcome].push(item);
	return out;
}

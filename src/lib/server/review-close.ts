import { createHash } from 'node:crypto';
import type { CycleAction, DecisionRow, ReviewRow } from './review.ts';

/**
 * What closing a cycle does to each action, decided before anything is
 * written. The preview page shows this plan and closeCycle carries out this
 * same plan, so what the admin confirms is what happens:
 *
 * - verdict drop ("verlaten"): the action is archived, with the decision's text (or the review's reason)
 * - verdict renew ("vernieuwen"): a successor is made from the card, the action itself is archived
 * - verdict strengthen ("versterken"): the action stays, flagged with the decision's text
 * - verdict keep ("vasthouden"): the action stays as it is
 * - no verdict ("besluit later", or no decision at all once confirmed): the action stays, the decision waits
 */
export type CloseOutcome = 'archive' | 'renew' | 'flag' | 'keep' | 'later';

export const CLOSE_OUTCOMES: readonly CloseOutcome[] = ['archive', 'renew', 'flag', 'keep', 'later'];

export interface ClosePlanItem {
	actionId: string;
	title: string;
	themeTitle: string;
	themeNumber: string | null;
	outcome: CloseOutcome;
	/** archive and renew: the archive reason; flag: the flag's text */
	reason: string | null;
	/** no decision recorded yet: closing records "besluit later" for it (only when confirmed) */
	undecided: boolean;
}

export interface ClosePlan {
	items: ClosePlanItem[];
	/** the actions without any decision, in plan order */
	undecided: string[];
	/** short fingerprint of the plan: a confirmation made on an older preview is refused */
	key: string;
}

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

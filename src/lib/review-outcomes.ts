/**
 * What closing an evaluation does to one action (see server/review-close.ts,
 * which decides it; the preview page and the closed page show it):
 *
 * - archive — verdict drop ("verlaten"): the action is archived, with the decision's text (or the review's reason)
 * - renew — verdict renew ("vernieuwen"): a successor is made from the card, the action itself is archived
 * - flag — verdict strengthen ("versterken"): the action stays, flagged with the decision's text
 * - keep — verdict keep ("vasthouden"): the action stays as it is
 * - later — no verdict ("besluit later", or no decision at all once confirmed): the action stays, the decision waits
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

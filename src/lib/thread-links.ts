import { capitalise } from '$lib/level-words';
import { m } from '$lib/paraglide/messages';

/** Where a thread is shown: on its action card, its theme page, or the plan's comments page. */
export function threadHref(planId: string, target: { kind: 'plan' | 'theme' | 'action'; id: string }, threadId: string): string {
	const anchor = `#discussie-${threadId}`;
	if (target.kind === 'action') return `/plannen/${planId}/acties/${target.id}${anchor}`;
	if (target.kind === 'theme') return `/plannen/${planId}/themas/${target.id}${anchor}`;
	return `/plannen/${planId}/reacties${anchor}`;
}

/**
 * "Actie: <title>", "Speerpunt: <title>" or "Plan": what a thread is on, in words.
 * A theme is named with its plan's own word when the caller has it (plan.levels).
 */
export function threadTargetText(target: { kind: string; title: string }, words?: { theme: string }): string {
	if (target.kind === 'action') return m.thread_target_action({ title: target.title });
	if (target.kind === 'theme' && words) return m.words_target_theme({ word: capitalise(words.theme), title: target.title });
	if (target.kind === 'theme') return m.thread_target_theme({ title: target.title });
	return m.thread_target_plan();
}

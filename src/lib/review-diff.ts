/**
 * Comparing two states of a plan (a frozen version and the live plan, or two
 * versions): per theme and action what was added, removed or changed, with a
 * word-level diff per text field. Pure functions, shared by server and pages.
 */

import { diffWordsWithSpace } from 'diff';

export interface SnapshotAction {
	id: string;
	title: string;
	status: string;
	level: 'regional' | 'local';
	planningStart: string | null;
	planningEnd: string | null;
	costAmount: number | null;
	lead: string | null;
	progress: number;
	predecessorId: string | null;
	documentName: string;
	/** plain text per rich-text field key of the plan's card template */
	fields: Record<string, string>;
	/** base64 Yjs state of the action's document; absent in live comparisons */
	state?: string;
}

export interface SnapshotTheme {
	id: string;
	chapterId: string | null;
	number: string | null;
	title: string;
	documentName: string;
	sections: Record<string, string>;
	/** the theme's ambassadors when the version was adopted (absent in older versions) */
	ambassadors?: { name: string; place: string | null }[];
	state?: string;
	actions: SnapshotAction[];
}

export interface PlanSnapshot {
	format: 1;
	takenAt: number;
	plan: {
		id: string;
		title: string;
		subtitle: string | null;
		kind: string;
		periodStart: number;
		periodEnd: number;
		introText: string;
		documentName: string;
		state?: string;
	};
	cardTemplate: { key: string; label: string }[];
	themeSections: { key: string; label: string }[];
	chapters: { id: string; title: string }[];
	themes: SnapshotTheme[];
}

export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string };

/**
 * Word diff by the `diff` package (Myers' algorithm, whitespace kept with the
 * words around it). A long text with a few edits costs little; only two texts
 * that have almost nothing in common (over MAX_EDITS edits, or more than
 * DIFF_TIMEOUT_MS of work) are shown as one text removed and the other added.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
	if (before === after) return before ? [{ kind: 'same', text: before }] : [];
	const changes = diffWordsWithSpace(before, after, { maxEditLength: MAX_EDITS, timeout: DIFF_TIMEOUT_MS });
	if (!changes) {
		return [
			...(before ? [{ kind: 'removed' as const, text: before }] : []),
			...(after ? [{ kind: 'added' as const, text: after }] : [])
		];
	}
	const parts: DiffPart[] = [];
	for (const change of changes) {
		if (!change.value) continue;
		const kind: DiffPart['kind'] = change.added ? 'added' : change.removed ? 'removed' : 'same';
		const last = parts[parts.length - 1];
		if (last && last.kind === kind) last.text += change.value;
		else parts.push({ kind, text: change.value });
	}
	return parts;
}

const MAX_EDITS = 1000;
const DIFF_TIMEOUT_MS = 1500;

export type Change = 'added' | 'removed' | 'changed' | 'same';

export interface FieldDiff {
	key: string;
	label: string;
	parts: DiffPart[];
}

export interface ActionDiff {
	id: string;
	title: string;
	change: Change;
	/** the id of the action this one renewed (vernieuwd): shown as one changed action, not as one added and one removed */
	renewedFrom?: string;
	title_before?: string;
	status?: { before: string; after: string };
	planning?: { before: string; after: string };
	fields: FieldDiff[];
}

export interface ThemeDiff {
	id: string;
	title: string;
	change: Change;
	title_before?: string;
	sections: FieldDiff[];
	actions: ActionDiff[];
}

export interface PlanDiff {
	themes: ThemeDiff[];
	counts: { added: number; removed: number; changed: number };
}

function planning(a: SnapshotAction): string {
	return `${a.planningStart ?? ''} – ${a.planningEnd ?? ''}`;
}

function fieldDiffs(defs: { key: string; label: string }[], before: Record<string, string>, after: Record<string, string>): FieldDiff[] {
	const out: FieldDiff[] = [];
	for (const def of defs) {
		const a = before[def.key] ?? '';
		const b = after[def.key] ?? '';
		if (a !== b) out.push({ key: def.key, label: def.label, parts: wordDiff(a, b) });
	}
	return out;
}

function diffAction(defs: { key: string; label: string }[], before: SnapshotAction | undefined, after: SnapshotAction | undefined): ActionDiff {
	if (!before && after) return { id: after.id, title: after.title, change: 'added', fields: [] };
	if (before && !after) return { id: before.id, title: before.title, change: 'removed', fields: [] };
	const a = before!;
	const b = after!;
	const diff: ActionDiff = { id: b.id, title: b.title, change: 'same', fields: fieldDiffs(defs, a.fields, b.fields) };
	if (a.title !== b.title) diff.title_before = a.title;
	if (a.status !== b.status) diff.status = { before: a.status, after: b.status };
	if (planning(a) !== planning(b)) diff.planning = { before: planning(a), after: planning(b) };
	if (a.id !== b.id) diff.renewedFrom = a.id;
	if (diff.renewedFrom || diff.title_before !== undefined || diff.status || diff.planning || diff.fields.length) diff.change = 'changed';
	return diff;
}

/** What changed from `before` to `after`, per theme (in `after`'s order, removed ones last) and action. */
export function diffPlans(before: PlanSnapshot, after: PlanSnapshot): PlanDiff {
	const counts = { added: 0, removed: 0, changed: 0 };
	const beforeThemes = new Map(before.themes.map((t) => [t.id, t]));
	const afterIds = new Set(after.themes.map((t) => t.id));
	const themes: ThemeDiff[] = [];
	const order = [...after.themes, ...before.themes.filter((t) => !afterIds.has(t.id))];
	// An action may move between themes: match actions across the whole plan.
	const beforeActions = new Map(before.themes.flatMap((t) => t.actions.map((a) => [a.id, a] as const)));
	const afterActions = new Map(after.themes.flatMap((t) => t.actions.map((a) => [a.id, a] as const)));
	// Closing an evaluation renews an action as a new one linked to its predecessor, which is archived:
	// compare the successor with its predecessor, so the pair reads as one renewed action.
	const renewedBy = new Map<string, SnapshotAction>();
	for (const action of afterActions.values()) {
		const predecessor = action.predecessorId ? beforeActions.get(action.predecessorId) : undefined;
		if (predecessor && !afterActions.has(predecessor.id) && !beforeActions.has(action.id)) renewedBy.set(predecessor.id, action);
	}
	const predecessorOf = new Map([...renewedBy].map(([predecessorId, successor]) => [successor.id, beforeActions.get(predecessorId)!]));
	for (const theme of order) {
		const a = beforeThemes.get(theme.id);
		const b = afterIds.has(theme.id) ? theme : undefined;
		const actions: ActionDiff[] = [];
		for (const action of b?.actions ?? []) {
			actions.push(diffAction(after.cardTemplate, beforeActions.get(action.id) ?? predecessorOf.get(action.id), action));
		}
		for (const action of a?.actions ?? []) {
			if (!afterActions.has(action.id) && !renewedBy.has(action.id)) actions.push(diffAction(before.cardTemplate, action, undefined));
		}
		let change: Change = !a ? 'added' : !b ? 'removed' : 'same';
		const sections = a && b ? fieldDiffs(after.themeSections, a.sections, b.sections) : [];
		const diff: ThemeDiff = { id: theme.id, title: theme.title, change, sections, actions };
		if (a && b && a.title !== b.title) diff.title_before = a.title;
		if (change === 'same' && (diff.title_before !== undefined || sections.length || actions.some((x) => x.change !== 'same'))) change = 'changed';
		diff.change = change;
		themes.push(diff);
		for (const x of actions) if (x.change !== 'same') counts[x.change]++;
	}
	return { themes, counts };
}

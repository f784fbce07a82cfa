import { Extension } from '@tiptap/core';
import type { EditorState, Transaction } from '@tiptap/pm/state';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';

/**
 * Anchored threads in a rich-text field. A thread's passage is stored as two
 * Yjs relative positions (base64 of `Y.encodeRelativePosition`), so it
 * follows the text through everyone's edits. This ProseMirror plugin shows
 * each open anchored thread as a highlight:
 *
 *  - on a transaction that came from Yjs (a remote edit, the first render)
 *    or when the list of anchors changed, positions are resolved afresh from
 *    the Y.Doc through the sync binding's mapping;
 *  - on a local edit, the binding has not yet written the edit into Yjs, so
 *    the highlights are mapped through the transaction instead (the way
 *    y-prosemirror's cursor plugin does it).
 *
 * A passage whose text was deleted resolves to an empty range: its thread is
 * reported as not present ("tekst verwijderd").
 */

export interface Anchor {
	id: string;
	start: string;
	end: string;
}

interface AnchorState {
	decorations: DecorationSet;
	/** resolved from Yjs at least once: before that, "not present" means nothing */
	resolved: boolean;
}

export const anchorPluginKey = new PluginKey<AnchorState>('kringThreadAnchors');
const REFRESH = 'refresh';

type YState = { doc: Y.Doc; type: Y.XmlFragment; binding: { mapping: Map<unknown, unknown> } | null } | undefined;

function decode(base64: string): Y.RelativePosition | null {
	try {
		return Y.decodeRelativePosition(fromBase64(base64));
	} catch {
		return null;
	}
}

function resolve(state: EditorState, anchors: readonly Anchor[], current: string | null): AnchorState | null {
	const ystate = ySyncPluginKey.getState(state) as YState;
	if (!ystate?.binding) return null;
	const decorations: Decoration[] = [];
	const size = state.doc.content.size;
	for (const anchor of anchors) {
		const start = decode(anchor.start);
		const end = decode(anchor.end);
		if (!start || !end) continue;
		// the binding's mapping type is y-tiptap's own; it accepts what it made
		const mapping = ystate.binding.mapping as Parameters<typeof relativePositionToAbsolutePosition>[3];
		const from = relativePositionToAbsolutePosition(ystate.doc, ystate.type, start, mapping);
		const to = relativePositionToAbsolutePosition(ystate.doc, ystate.type, end, mapping);
		if (from === null || to === null || to <= from || to > size) continue;
		const css = anchor.id === current ? 'kring-anchor kring-anchor--current' : 'kring-anchor';
		decorations.push(Decoration.inline(from, to, { class: css, 'data-thread': anchor.id }, { id: anchor.id }));
	}
	return { decorations: DecorationSet.create(state.doc, decorations), resolved: true };
}

function presentIds(state: AnchorState): Set<string> {
	return new Set(state.decorations.find().map((d) => (d.spec as { id: string }).id));
}

export function threadAnchors(options: {
	anchors: () => readonly Anchor[];
	/** thread id → is its passage in the text; called when that changes */
	onPresence: (present: Record<string, boolean>) => void;
	onActivate?: (threadId: string) => void;
	/** the thread being looked at (in the margin): its passage is marked more strongly */
	current?: () => string | null;
}) {
	const current = () => options.current?.() ?? null;
	return Extension.create({
		name: 'kringThreadAnchors',
		addProseMirrorPlugins() {
			let last = '';
			return [
				new Plugin<AnchorState>({
					key: anchorPluginKey,
					state: {
						init: () => ({ decorations: DecorationSet.empty, resolved: false }),
						apply(tr: Transaction, value: AnchorState, _old: EditorState, next: EditorState): AnchorState {
							if (tr.getMeta(ySyncPluginKey) || tr.getMeta(anchorPluginKey) === REFRESH) {
								return resolve(next, options.anchors(), current()) ?? value;
							}
							if (!tr.docChanged) return value;
							return { ...value, decorations: value.decorations.map(tr.mapping, tr.doc) };
						}
					},
					props: {
						decorations: (state) => anchorPluginKey.getState(state)?.decorations,
						handleClick: (view, _pos, event) => {
							const el = (event.target as HTMLElement | null)?.closest?.('[data-thread]');
							const id = el?.getAttribute('data-thread');
							if (id && options.onActivate) options.onActivate(id);
							return false;
						},
						// Alt+Enter in a passage goes to its thread: the keyboard's way from the text to the comment
						handleKeyDown: (view, event) => {
							if (!isThreadKey(event) || !options.onActivate) return false;
							const id = anchorAt(view.state);
							if (!id) return false;
							event.preventDefault();
							options.onActivate(id);
							return true;
						}
					},
					view: () => ({
						update: (view) => {
							const state = anchorPluginKey.getState(view.state);
							if (!state?.resolved) return;
							const present = presentIds(state);
							const report = Object.fromEntries(options.anchors().map((a) => [a.id, present.has(a.id)]));
							const key = JSON.stringify(report);
							if (key !== last) {
								last = key;
								options.onPresence(report);
							}
						}
					})
				})
			];
		}
	});
}

/** Re-resolves the highlights (after the list of anchored threads changed). */
export function refreshAnchors(view: { state: EditorState; dispatch: (tr: Transaction) => void }): void {
	view.dispatch(view.state.tr.setMeta(anchorPluginKey, REFRESH).setMeta('addToHistory', false));
}

/** The current selection as an anchor: relative positions and the text it covers; null when nothing is selected. */
export function selectionAnchor(state: EditorState): { start: string; end: string; quote: string } | null {
	const { from, to, empty } = state.selection;
	if (empty) return null;
	const ystate = ySyncPluginKey.getState(state) as YState;
	if (!ystate?.binding) return null;
	const mapping = ystate.binding.mapping as Parameters<typeof absolutePositionToRelativePosition>[2];
	const start = absolutePositionToRelativePosition(from, ystate.type, mapping);
	const end = absolutePositionToRelativePosition(to, ystate.type, mapping);
	const quote = state.doc.textBetween(from, to, '\n', ' ').trim();
	if (!quote) return null;
	return {
		start: toBase64(Y.encodeRelativePosition(start)),
		end: toBase64(Y.encodeRelativePosition(end)),
		quote: quote.slice(0, 500)
	};
}

/** Where a thread's passage is in the editor now; null when it is not there. */
export function anchorRange(state: EditorState, threadId: string): { from: number; to: number } | null {
	const found = anchorPluginKey.getState(state)?.decorations.find(undefined, undefined, (spec) => (spec as { id?: string }).id === threadId)[0];
	return found ? { from: found.from, to: found.to } : null;
}

/** The key that goes from a passage to its thread (Alt+Enter), announced as `aria-keyshortcuts`. */
export const THREAD_KEY = 'Alt+Enter';

export function isThreadKey(event: KeyboardEvent): boolean {
	return event.key === 'Enter' && event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey;
}

/** The thread whose passage holds the caret (or the start of the selection); null when none does. */
export function anchorAt(state: EditorState): string | null {
	const pos = state.selection.from;
	const found = anchorPluginKey
		.getState(state)
		?.decorations.find(Math.max(0, pos - 1), pos + 1)
		.find((d) => d.from <= pos && pos <= d.to);
	return found ? (found.spec as { id: string }).id : null;
}

import { detectClientData, nearest, REDACTED, type ClientDataFinding } from './client-data.ts';

/**
 * The client-data guard's bridge to the fields it watches: a textarea or
 * input (its value), or a Tiptap rich-text editor (found through the
 * `editor` property Tiptap sets on its editable element). Reading gives plain
 * text; a rewrite replaces one fragment through the field's own way of
 * editing, so a Yjs-bound editor sends it to everyone like a typed change and
 * a Svelte-bound textarea hears an input event.
 */

/** The parts of a ProseMirror node this file uses (no import of ProseMirror into the detector's bundle). */
interface PmNode {
	isText: boolean;
	isTextblock: boolean;
	text?: string | null;
	descendants(fn: (node: PmNode, pos: number) => boolean | void): void;
}

interface TiptapLike {
	isEditable: boolean;
	state: { doc: PmNode; tr: { insertText(text: string, from: number, to: number): unknown } };
	view: { dispatch(tr: unknown): void };
}

/** Plain text of a ProseMirror document (blocks separated by a newline), with the document position of every character (−1 for a separator). */
export function textWithPositions(doc: PmNode): { text: string; positions: number[] } {
	let text = '';
	const positions: number[] = [];
	doc.descendants((node, pos) => {
		if (node.isTextblock && text.length > 0) {
			text += '\n';
			positions.push(-1);
		}
		if (node.isText && node.text) {
			text += node.text;
			for (let i = 0; i < node.text.length; i++) positions.push(pos + i);
		}
	});
	return { text, positions };
}

function tiptapOf(el: Element): TiptapLike | null {
	const editor = (el as Element & { editor?: unknown }).editor;
	return editor && typeof editor === 'object' && 'state' in editor && 'view' in editor ? (editor as TiptapLike) : null;
}

export type Watched = HTMLTextAreaElement | HTMLInputElement | HTMLElement;

/** The text a watched field holds now; null when it cannot be read or is not editable. */
export function readField(el: Watched): string | null {
	if (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) return el.readOnly || el.disabled ? null : el.value;
	const editor = tiptapOf(el);
	if (editor) return editor.isEditable && el.getAttribute('aria-readonly') !== 'true' ? textWithPositions(editor.state.doc).text : null;
	return el.isContentEditable ? (el.textContent ?? '') : null;
}

/** Replaces one finding in the field by REDACTED; false when the fragment is no longer there. */
export function redactField(el: Watched, finding: Pick<ClientDataFinding, 'start' | 'text'>): boolean {
	if (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) {
		const at = nearest(el.value, finding);
		if (at < 0) return false;
		el.setRangeText(REDACTED, at, at + finding.text.length, 'end');
		el.dispatchEvent(new Event('input', { bubbles: true }));
		// a field that saves when it is left (not while typing) saves on change: the focus is already elsewhere
		el.dispatchEvent(new Event('change', { bubbles: true }));
		return true;
	}
	const editor = tiptapOf(el);
	if (!editor) return false;
	const { text, positions } = textWithPositions(editor.state.doc);
	const at = nearest(text, finding);
	if (at < 0) return false;
	const span = positions.slice(at, at + finding.text.length);
	if (span.includes(-1)) return false;
	// consecutive characters of one text block: one range in the document
	editor.view.dispatch(editor.state.tr.insertText(REDACTED, span[0], span[span.length - 1] + 1));
	return true;
}

export { detectClientData };

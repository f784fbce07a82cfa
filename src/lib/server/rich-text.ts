import * as Y from 'yjs';

/**
 * Rich text in Kring is a ProseMirror document (Tiptap's StarterKit schema)
 * stored as a Y.XmlFragment the way y-prosemirror does: elements named after
 * node types, text in Y.XmlText with marks as formatting attributes.
 */
export type Block =
	| { type: 'paragraph'; text: RichText }
	| { type: 'heading'; level: number; text: RichText }
	| { type: 'bulletList'; items: RichText[] }
	| { type: 'orderedList'; items: RichText[] };

/** A run of text with its marks, e.g. from an imported Word file. */
export interface Inline {
	text: string;
	bold?: boolean;
	italic?: boolean;
	link?: string;
}

/** Demo text (a string with `**bold**`) or runs with their marks. */
export type RichText = string | Inline[];

/** `**bold**` runs in demo text become the bold mark; runs keep bold, italic and links. */
function textNode(text: RichText): Y.XmlText {
	const node = new Y.XmlText();
	if (typeof text !== 'string') {
		let at = 0;
		for (const run of text) {
			if (!run.text) continue;
			const marks: Record<string, object> = {};
			if (run.bold) marks.bold = {};
			if (run.italic) marks.italic = {};
			if (run.link) marks.link = { href: run.link };
			node.insert(at, run.text, marks);
			at += run.text.length;
		}
		return node;
	}
	const parts = text.split(/\*\*(.+?)\*\*/g);
	let offset = 0;
	parts.forEach((part, i) => {
		if (!part) return;
		node.insert(offset, part, i % 2 === 1 ? { bold: {} } : {});
		offset += part.length;
	});
	return node;
}

function paragraph(text: RichText): Y.XmlElement {
	const p = new Y.XmlElement('paragraph');
	if (text.length) p.insert(0, [textNode(text)]);
	return p;
}

function blockToElement(block: Block): Y.XmlElement {
	switch (block.type) {
		case 'paragraph':
			return paragraph(block.text);
		case 'heading': {
			const h = new Y.XmlElement('heading');
			h.setAttribute('level', String(block.level) as never);
			h.insert(0, [textNode(block.text)]);
			return h;
		}
		case 'bulletList':
		case 'orderedList': {
			const list = new Y.XmlElement(block.type);
			list.insert(
				0,
				block.items.map((item) => {
					const li = new Y.XmlElement('listItem');
					li.insert(0, [paragraph(item)]);
					return li;
				})
			);
			return list;
		}
	}
}

export function writeBlocks(fragment: Y.XmlFragment, blocks: Block[]): void {
	fragment.insert(fragment.length, blocks.map(blockToElement));
}

const BLOCK_NODES = new Set(['paragraph', 'heading', 'listItem', 'blockquote', 'codeBlock']);

/** Deeper than the collaboration socket accepts (MAX_NESTING), with room to spare. */
const MAX_READ_DEPTH = 64;

/** Plain text of a fragment: one line per block, for search, exports and lists. */
export function fragmentText(fragment: Y.XmlFragment | Y.XmlElement): string {
	const lines: string[] = [];
	let line = '';
	const walk = (node: Y.XmlElement | Y.XmlFragment | Y.XmlText, depth = 0) => {
		// Bounded: a document stored before updates were depth-checked must not
		// break lists, search, versions or exports (the socket refuses deeper ones).
		if (depth > MAX_READ_DEPTH) return;
		if (node instanceof Y.XmlText) {
			for (const op of node.toDelta() as { insert: unknown }[]) if (typeof op.insert === 'string') line += op.insert;
			return;
		}
		if (node instanceof Y.XmlElement && node.nodeName === 'hardBreak') {
			line += '\n';
			return;
		}
		for (const child of node.toArray()) walk(child as Y.XmlElement | Y.XmlText, depth + 1);
		if (node instanceof Y.XmlElement && BLOCK_NODES.has(node.nodeName) && line) {
			lines.push(line.trim());
			line = '';
		}
	};
	walk(fragment);
	if (line.trim()) lines.push(line.trim());
	return lines.filter(Boolean).join('\n');
}

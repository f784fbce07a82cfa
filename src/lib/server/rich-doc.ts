import * as Y from 'yjs';

/**
 * The one path rich text takes out of Kring: a Y.XmlFragment (written by
 * y-prosemirror / y-tiptap in Tiptap's StarterKit schema) becomes ProseMirror
 * JSON, and every output — print HTML, DOCX, XLSX text — is rendered from that
 * JSON. Our own walker instead of y-tiptap's yXmlFragmentToProsemirrorJSON, so
 * that reading is depth-bounded like fragmentText (MAX_READ_DEPTH in
 * rich-text.ts): a document stored before updates were depth-checked must not
 * break an export.
 */

export interface RichMark {
	type: string;
	attrs?: Record<string, unknown>;
}

export interface RichNode {
	type: string;
	attrs?: Record<string, unknown>;
	content?: RichNode[];
	text?: string;
	marks?: RichMark[];
}

/** Deeper than the collaboration socket accepts (MAX_NESTING), with room to spare; as in rich-text.ts. */
const MAX_READ_DEPTH = 64;

/** y-prosemirror names a mark that may overlap itself `name--hash`; the mark is `name`. */
function markName(key: string): string {
	const i = key.indexOf('--');
	return i === -1 ? key : key.slice(0, i);
}

function marksOf(attributes: Record<string, unknown> | undefined): RichMark[] | undefined {
	if (!attributes) return undefined;
	const marks: RichMark[] = [];
	for (const [key, value] of Object.entries(attributes)) {
		if (value === null || value === undefined) continue;
		const type = markName(key);
		marks.push(value && typeof value === 'object' && Object.keys(value).length ? { type, attrs: { ...(value as Record<string, unknown>) } } : { type });
	}
	return marks.length ? marks : undefined;
}

function elementAttrs(element: Y.XmlElement): Record<string, unknown> | undefined {
	const attrs = element.getAttributes() as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(attrs)) {
		// heading levels and list starts arrive as strings from some writers (rich-text.ts writes '2')
		out[key] = (key === 'level' || key === 'start') && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
	}
	return Object.keys(out).length ? out : undefined;
}

function walk(node: Y.XmlElement | Y.XmlText, depth: number): RichNode[] {
	if (depth > MAX_READ_DEPTH) return [];
	if (node instanceof Y.XmlText) {
		const out: RichNode[] = [];
		for (const op of node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
			if (typeof op.insert !== 'string' || !op.insert) continue;
			const marks = marksOf(op.attributes);
			out.push(marks ? { type: 'text', text: op.insert, marks } : { type: 'text', text: op.insert });
		}
		return out;
	}
	const result: RichNode = { type: node.nodeName };
	const attrs = elementAttrs(node);
	if (attrs) result.attrs = attrs;
	const content = node.toArray().flatMap((child) => walk(child as Y.XmlElement | Y.XmlText, depth + 1));
	if (content.length) result.content = content;
	return [result];
}

/** A fragment as a ProseMirror `doc` node. */
export function fragmentToJson(fragment: Y.XmlFragment): RichNode {
	const content = fragment.toArray().flatMap((child) => walk(child as Y.XmlElement | Y.XmlText, 1));
	return content.length ? { type: 'doc', content } : { type: 'doc' };
}

/** Plain text (a version without Yjs state) as a doc: one paragraph per line. */
export function textToJson(text: string): RichNode {
	const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
	return lines.length ? { type: 'doc', content: lines.map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] })) } : { type: 'doc' };
}

/** Reads named fragments from a document's full state. */
export function readFragments(state: Uint8Array, keys: string[]): Record<string, RichNode> {
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, state);
		return Object.fromEntries(keys.map((key) => [key, fragmentToJson(doc.getXmlFragment(key))]));
	} finally {
		doc.destroy();
	}
}

export function isEmptyRich(node: RichNode): boolean {
	return richPlainText(node).trim() === '';
}

const BLOCKS = new Set(['paragraph', 'heading', 'listItem', 'blockquote', 'codeBlock']);

/** Plain text: one line per block, hard breaks as new lines (as fragmentText does). */
export function richPlainText(node: RichNode): string {
	const lines: string[] = [];
	let line = '';
	const visit = (n: RichNode, depth: number) => {
		if (depth > MAX_READ_DEPTH) return;
		if (n.type === 'text') line += n.text ?? '';
		else if (n.type === 'hardBreak') line += '\n';
		for (const child of n.content ?? []) visit(child, depth + 1);
		if (BLOCKS.has(n.type) && line.trim()) {
			lines.push(line.trim());
			line = '';
		}
	};
	visit(node, 0);
	if (line.trim()) lines.push(line.trim());
	return lines.join('\n');
}

/** Only links a reader can follow safely. */
export function safeHref(href: unknown): string | null {
	if (typeof href !== 'string') return null;
	const value = href.trim();
	return /^(https?:|mailto:)/i.test(value) ? value : null;
}

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const MARK_TAGS: Record<string, string> = { bold: 'strong', italic: 'em', strike: 's', underline: 'u', code: 'code' };

/**
 * Semantic HTML of a doc. `headingOffset` shifts the text's own headings below
 * the page's (a theme's text under its h2 starts at h3); levels stop at h6.
 */
export function richToHtml(node: RichNode, options: { headingOffset?: number } = {}): string {
	const offset = options.headingOffset ?? 0;
	const render = (n: RichNode, depth: number): string => {
		if (depth > MAX_READ_DEPTH) return '';
		const inner = () => (n.content ?? []).map((c) => render(c, depth + 1)).join('');
		switch (n.type) {
			case 'doc':
				return inner();
			case 'text': {
				let html = escapeHtml(n.text ?? '');
				for (const mark of n.marks ?? []) {
					if (mark.type === 'link') {
						const href = safeHref(mark.attrs?.href);
						if (href) html = `<a href="${escapeHtml(href)}">${html}</a>`;
					} else if (MARK_TAGS[mark.type]) html = `<${MARK_TAGS[mark.type]}>${html}</${MARK_TAGS[mark.type]}>`;
				}
				return html;
			}
			case 'paragraph':
				return `<p>${inner()}</p>`;
			case 'heading': {
				const level = Math.min(6, Math.max(1, Number(n.attrs?.level) || 1) + offset);
				return `<h${level}>${inner()}</h${level}>`;
			}
			case 'bulletList':
				return `<ul>${inner()}</ul>`;
			case 'orderedList': {
				const start = Number(n.attrs?.start);
				return `<ol${Number.isInteger(start) && start > 1 ? ` start="${start}"` : ''}>${inner()}</ol>`;
			}
			case 'listItem':
				return `<li>${inner()}</li>`;
			case 'blockquote':
				return `<blockquote>${inner()}</blockquote>`;
			case 'codeBlock':
				return `<pre><code>${inner()}</code></pre>`;
			case 'hardBreak':
				return '<br>';
			case 'horizontalRule':
				return '<hr>';
			default:
				return inner();
		}
	};
	return render(node, 0);
}

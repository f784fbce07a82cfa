import * as Y from 'yjs';

type Node = Y.XmlFragment | Y.XmlElement | Y.XmlText | Y.XmlHook;

/** Does a rich-text fragment hold any visible text (an empty paragraph does not count)? */
export function hasText(node: Node): boolean {
	if (node instanceof Y.XmlText) {
		const delta = node.toDelta() as { insert?: unknown }[];
		return delta.some((d) => typeof d.insert === 'string' && /\S/.test(d.insert));
	}
	if (node instanceof Y.XmlHook) return false;
	return node.toArray().some((child) => hasText(child as Node));
}

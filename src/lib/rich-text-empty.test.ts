import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hasText } from './rich-text-empty.ts';

describe('hasText', () => {
	it('is false for an empty fragment or an empty paragraph, true for text', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('f');
		expect(hasText(fragment)).toBe(false);
		const paragraph = new Y.XmlElement('paragraph');
		fragment.insert(0, [paragraph]);
		expect(hasText(fragment)).toBe(false);
		const text = new Y.XmlText();
		paragraph.insert(0, [text]);
		text.insert(0, '  ');
		expect(hasText(fragment)).toBe(false);
		text.insert(2, 'Kosten');
		expect(hasText(fragment)).toBe(true);
	});
});

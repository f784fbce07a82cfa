import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fragmentText, writeBlocks } from './rich-text.ts';

describe('rich text', () => {
	it('give one line per block, list items included', () => {
		const doc = new Y.Doc();
		writeBlocks(doc.getXmlFragment('f'), [
			{ type: 'heading', level: 2, text: 'Doel' },
			{ type: 'paragraph', text: 'We werken **samen**.' },
			{ type: 'bulletList', items: ['Veilig Thuis', 'GGD'] }
		]);
		expect(fragmentText(doc.getXmlFragment('f'))).toBe('Doel\nWe werken samen.\nVeilig Thuis\nGGD');
	});

	it('read a document nested 8 000 levels deep without failing, keeping its shallow text', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('f');
		writeBlocks(fragment, [{ type: 'paragraph', text: 'bovenaan' }]);
		doc.transact(() => {
			let parent: Y.XmlFragment | Y.XmlElement = fragment;
			for (let i = 0; i < 8000; i++) {
				const child: Y.XmlElement = new Y.XmlElement('bulletList');
				parent.insert(parent === fragment ? 1 : 0, [child]);
				parent = child;
			}
		});
		expect(fragmentText(fragment)).toBe('bovenaan');
	});
});

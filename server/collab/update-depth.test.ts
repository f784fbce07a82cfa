import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_NESTING, updateNestingDepth } from './update-depth.ts';

/** An update that nests `levels` list elements inside each other in field `f`. */
function nested(levels: number, doc = new Y.Doc()): Uint8Array {
	const before = Y.encodeStateVector(doc);
	doc.transact(() => {
		let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment('f');
		for (let i = 0; i < levels; i++) {
			const child: Y.XmlElement = new Y.XmlElement(i % 2 ? 'listItem' : 'bulletList');
			parent.insert(0, [child]);
			parent = child;
		}
		parent.insert(0, [new Y.XmlText('diep')]);
	});
	return Y.encodeStateAsUpdate(doc, before);
}

describe('update nesting depth', () => {
	it('measure ordinary rich text as shallow', () => {
		const doc = new Y.Doc();
		const p = new Y.XmlElement('paragraph');
		doc.getXmlFragment('f').insert(0, [p]);
		p.insert(0, [new Y.XmlText('tekst')]);
		// paragraph (1) → its text (2)
		expect(updateNestingDepth(new Y.Doc(), Y.encodeStateAsUpdate(doc))).toBe(2);
		expect(updateNestingDepth(new Y.Doc(), nested(6))).toBe(7);
	});

	it('see 8 000 levels in one update as beyond the limit, without a stack overflow', () => {
		const update = nested(8000);
		expect(update.length).toBeLessThan(1024 * 1024);
		expect(updateNestingDepth(new Y.Doc(), update)).toBeGreaterThan(MAX_NESTING);
	});

	it('count levels the document already has, so depth cannot be built one update at a time', () => {
		const server = new Y.Doc();
		const client = new Y.Doc();
		Y.applyUpdate(server, nested(MAX_NESTING - 1, client));
		// One more level, inside the deepest element the document already holds.
		const before = Y.encodeStateVector(client);
		let deepest: Y.XmlElement = client.getXmlFragment('f').get(0) as Y.XmlElement;
		while (deepest.get(0) instanceof Y.XmlElement) deepest = deepest.get(0) as Y.XmlElement;
		deepest.insert(0, [new Y.XmlElement('a'), new Y.XmlElement('b')]);
		const two = Y.encodeStateAsUpdate(client, before);
		expect(updateNestingDepth(server, two)).toBe(MAX_NESTING);
		Y.applyUpdate(server, two);
		const before2 = Y.encodeStateVector(client);
		(deepest.get(1) as Y.XmlElement).insert(0, [new Y.XmlElement('c')]);
		expect(updateNestingDepth(server, Y.encodeStateAsUpdate(client, before2))).toBeGreaterThan(MAX_NESTING);
	});

	it('throw on an update that does not decode', () => {
		expect(() => updateNestingDepth(new Y.Doc(), new Uint8Array([1, 2, 3, 250]))).toThrow();
	});
});

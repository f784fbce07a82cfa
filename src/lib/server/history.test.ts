import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { compareFields, compareTitle, parseVersionId, restoreInto } from './history.ts';

function card(paragraphs: Record<string, Array<{ text: string; bold?: boolean }>>, title?: string): Y.Doc {
	const doc = new Y.Doc();
	doc.transact(() => {
		for (const [key, runs] of Object.entries(paragraphs)) {
			const p = new Y.XmlElement('paragraph');
			const t = new Y.XmlText();
			p.insert(0, [t]);
			let at = 0;
			for (const run of runs) {
				t.insert(at, run.text, run.bold ? { bold: {} } : {});
				at += run.text.length;
			}
			doc.getXmlFragment(key).insert(0, [p]);
		}
		if (title) doc.getMap('meta').set('title', title);
	});
	return doc;
}

describe('history versions', () => {
	it('marks per field what was added and removed since the version', () => {
		const then = card({ doel: [{ text: 'Minder geweld in het gezin' }], wie: [{ text: 'Gemeente' }] });
		const now = card({ doel: [{ text: 'Minder huiselijk geweld in het gezin' }], wie: [{ text: 'Gemeente' }] });
		const [doel, wie] = compareFields(then, now, [
			{ key: 'doel', label: 'Doel' },
			{ key: 'wie', label: 'Wie' }
		]);
		expect(doel.changed).toBe(true);
		expect(doel.then).toBe('Minder geweld in het gezin');
		expect(doel.parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['huiselijk']);
		expect(doel.parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe('Minder geweld in het gezin');
		expect(wie).toMatchObject({ changed: false, parts: [{ text: 'Gemeente', kind: 'same' }] });
	});

	it('restores one field with its formatting, leaving the others and the title alone', () => {
		const version = card({ doel: [{ text: 'Vet', bold: true }, { text: ' en gewoon' }], wie: [{ text: 'Oud' }] }, 'Oude titel');
		const target = card({ doel: [{ text: 'Fout' }], wie: [{ text: 'Nieuw' }] }, 'Nieuwe titel');
		restoreInto(target, version, { fields: ['doel'], meta: false });
		expect(target.getXmlFragment('doel').toString()).toBe(version.getXmlFragment('doel').toString());
		expect(target.getXmlFragment('doel').toString()).toContain('<bold>Vet</bold>');
		expect(target.getXmlFragment('wie').toString()).toContain('Nieuw');
		expect(target.getMap('meta').get('title')).toBe('Nieuwe titel');
	});

	it('restores the whole document, meta map included, as changes another copy receives', () => {
		const version = card({ doel: [{ text: 'Toen' }] }, 'Toen');
		const target = card({ doel: [{ text: 'Nu' }] }, 'Nu');
		target.getMap('meta').set('lead', 'Iemand');
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(target));
		const sent: Uint8Array[] = [];
		target.on('update', (u: Uint8Array) => sent.push(u));
		target.transact(() => restoreInto(target, version, { fields: ['doel'], meta: true }));
		for (const u of sent) Y.applyUpdate(other, u);
		expect(other.getXmlFragment('doel').toString()).toContain('Toen');
		expect(other.getMap('meta').toJSON()).toEqual({ title: 'Toen' });
		expect(compareTitle(version, other).changed).toBe(false);
	});

	it('accepts only positive integer version ids', () => {
		expect(parseVersionId('12')).toBe(12);
		for (const bad of ['0', '-1', '1.5', 'abc', '', '1e3', '9'.repeat(20), undefined, 3]) expect(parseVersionId(bad)).toBeNull();
	});
});

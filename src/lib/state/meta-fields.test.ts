import * as Y from 'yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MetaFields } from './meta-fields.svelte.ts';

let detach: (() => void) | null = null;

function open(options: { canWrite?: () => boolean; doc?: Y.Doc } = {}) {
	const doc = options.doc ?? new Y.Doc();
	const fields = new MetaFields({ initial: { title: 'Uit de lader' }, canWrite: options.canWrite ?? (() => true), debounceMs: 10 });
	detach = fields.attach(doc);
	return { doc, fields };
}

afterEach(() => {
	detach?.();
	detach = null;
	vi.restoreAllMocks();
});

describe('the action card’s structured fields', () => {
	it('shows the loader’s values until the document is here, then the document’s', () => {
		const doc = new Y.Doc();
		doc.getMap('meta').set('title', 'Uit het document');
		const { fields } = open({ doc });
		expect(fields.get('title')).toBe('Uit de lader');
		fields.load();
		expect(fields.get('title')).toBe('Uit het document');
		expect(fields.get('progress')).toBe(0);
	});

	it('writes a value into the document and is saved', () => {
		const { doc, fields } = open();
		fields.load();
		expect(fields.write('progress', 40)).toBe(true);
		expect(doc.getMap('meta').get('progress')).toBe(40);
		expect(fields.unsaved).toBe(false);
	});

	it('is not saved when a write is refused, and says why', () => {
		let allowed = true;
		const { doc, fields } = open({ canWrite: () => allowed });
		fields.load();
		allowed = false;
		expect(fields.write('lead', 'Veilig Thuis')).toBe(false);
		expect(doc.getMap('meta').has('lead')).toBe(false);
		expect(fields.unsaved).toBe(true);
		expect(fields.problem('lead')).toBe('Deze wijziging is niet opgeslagen: je kunt deze actie nu niet bewerken.');
	});

	it('is not saved when writing throws, and the next good write clears it', () => {
		const { doc, fields } = open();
		fields.load();
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const transact = vi.spyOn(doc, 'transact').mockImplementationOnce(() => {
			throw new Error('kapot');
		});
		expect(fields.write('progress', 40)).toBe(false);
		expect(fields.unsaved).toBe(true);
		expect(fields.problem('progress')).toBe('Deze wijziging is niet opgeslagen. Probeer het opnieuw.');
		transact.mockRestore();
		expect(fields.write('progress', 40)).toBe(true);
		expect(fields.unsaved).toBe(false);
	});

	it('refuses to write before the document is here', () => {
		const { doc, fields } = open();
		expect(fields.write('progress', 40)).toBe(false);
		expect(doc.getMap('meta').has('progress')).toBe(false);
		expect(fields.unsaved).toBe(true);
	});

	it('counts a debounced write as waiting until it is made', async () => {
		const { doc, fields } = open();
		fields.load();
		fields.writeSoon('lead', 'GGD');
		expect(fields.waiting).toBe(1);
		expect(fields.held('lead')).toBe(true);
		await new Promise((r) => setTimeout(r, 30));
		expect(fields.waiting).toBe(0);
		expect(doc.getMap('meta').get('lead')).toBe('GGD');
	});

	it('writes what still waits when the card closes', () => {
		const { doc, fields } = open();
		fields.load();
		fields.writeSoon('lead', 'Veilig Thuis');
		detach!();
		detach = null;
		expect(doc.getMap('meta').get('lead')).toBe('Veilig Thuis');
	});

	it('shows a colleague’s change again, but not over a field being typed in', () => {
		const { doc, fields } = open();
		fields.load();
		const other = new Y.Doc();
		const sync = () => Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
		const before = fields.revision('fundingNote');
		other.getMap('meta').set('fundingNote', 'van een collega');
		sync();
		expect(fields.get('fundingNote')).toBe('van een collega');
		expect(fields.revision('fundingNote')).toBe(before + 1);
		// a value typed here, not sent yet: the field is held, so its text stays
		fields.writeSoon('lead', 'mijn tekst');
		other.getMap('meta').set('lead', 'van een collega');
		sync();
		expect(fields.held('lead')).toBe(true);
	});
});

import { describe, expect, it } from 'vitest';
import { docName, parseDocName } from './doc-name.ts';

describe('document names', () => {
	it('round-trips every kind', () => {
		for (const kind of ['plan', 'theme', 'action'] as const) {
			expect(parseDocName(docName({ kind, id: 'abc123' }))).toEqual({ kind, id: 'abc123' });
		}
	});

	it('rejects unknown kinds, empty ids and path tricks', () => {
		for (const bad of ['', 'plan', 'plan:', 'user:abc', 'action:../x', 'action:ABC', 'action:a b', 'x'.repeat(100), 'action:a:b']) {
			expect(parseDocName(bad)).toBeNull();
		}
	});
});

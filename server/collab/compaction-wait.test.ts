import { describe, expect, it } from 'vitest';
import type { DocResource } from '../../src/lib/server/access.ts';
import { COMPACT_QUIET_MS, compactionWait, createLoadedDoc, LARGE_DOCUMENT_BYTES } from './document.ts';
import { resolveSettings, type CollabServerOptions } from './settings.ts';

const settings = resolveSettings({} as CollabServerOptions);

function doc(snapshotBytes: number, storedUpdates: number, lastCommitAt: number) {
	const d = createLoadedDoc({ name: 'action:x', resource: {} as DocResource, stored: null, onEmit: () => {} });
	Object.assign(d, { snapshotBytes, storedUpdates, lastCommitAt });
	return d;
}

describe('when a due compaction runs', () => {
	it('at once for a small document, even while it is edited', () => {
		expect(compactionWait(doc(10_000, 600, 1000), settings, 1000)).toBe(0);
	});

	it('for a large document only once nobody committed to it for a while', () => {
		const large = doc(LARGE_DOCUMENT_BYTES, 600, 1000);
		expect(compactionWait(large, settings, 1000)).toBe(COMPACT_QUIET_MS);
		expect(compactionWait(large, settings, 1000 + COMPACT_QUIET_MS / 2)).toBe(COMPACT_QUIET_MS / 2);
		expect(compactionWait(large, settings, 1000 + COMPACT_QUIET_MS)).toBe(0);
	});

	it('at once for a large document whose stored updates reached ten times the threshold', () => {
		expect(compactionWait(doc(LARGE_DOCUMENT_BYTES * 4, settings.compactAfterUpdates * 10, 1000), settings, 1000)).toBe(0);
	});
});

import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * How a history snapshot is stored (collab_history.snapshot_format,
 * migration 0032): raw deflate at level 3, which on card text is within a
 * few percent of level 6 at a quarter of its time (docs/benchmarks.md,
 * "Bytes per edit").
 */
export const SNAPSHOT_RAW = 0;
export const SNAPSHOT_DEFLATE = 1;

export function packSnapshot(update: Uint8Array): { data: Buffer; format: number } {
	return { data: deflateRawSync(update, { level: 3 }), format: SNAPSHOT_DEFLATE };
}

/** The Yjs update a stored snapshot holds. */
export function unpackSnapshot(data: Uint8Array, format: number): Uint8Array {
	if (format === SNAPSHOT_RAW) return new Uint8Array(data);
	if (format === SNAPSHOT_DEFLATE) return new Uint8Array(inflateRawSync(data));
	throw new Error(`unknown history snapshot format ${format}`);
}

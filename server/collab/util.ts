/** Small helpers shared by the parts of the collaboration server. */

export function asBuffer(data: Uint8Array): Buffer {
	return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export function errorText(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

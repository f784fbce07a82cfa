/**
 * Names of collaborative documents, built and parsed in this one place for
 * client and server alike. A name is `<kind>:<id>`: the plan's intro text, a
 * theme, or an action card. Anything else is not a document — the socket
 * server answers 404 without loading anything.
 */
export const DOC_KINDS = ['plan', 'theme', 'action'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

export interface DocRef {
	kind: DocKind;
	id: string;
}

const ID = /^[a-z0-9]{1,40}$/;

export function docName(ref: DocRef): string {
	return `${ref.kind}:${ref.id}`;
}

export function parseDocName(name: string): DocRef | null {
	if (typeof name !== 'string' || name.length > 64) return null;
	const colon = name.indexOf(':');
	if (colon < 0) return null;
	const kind = name.slice(0, colon);
	const id = name.slice(colon + 1);
	if (!(DOC_KINDS as readonly string[]).includes(kind) || !ID.test(id)) return null;
	return { kind: kind as DocKind, id };
}

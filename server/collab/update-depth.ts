import * as Y from 'yjs';

/**
 * How deeply an incoming update nests shared types (XML elements inside XML
 * elements …), measured before it is applied, so that one valid but absurd
 * update (8 000 levels in well under 1 MiB) can never enter a document.
 * Deep trees broke every reader that walks a document — text extraction,
 * version snapshots, export, and the browsers' editors.
 *
 * The editor's schema needs a handful of levels (a list item in a list in a
 * list …); MAX_NESTING leaves generous room for nested lists and still stops
 * the attack. Depth counts nested types from the root: a paragraph in a
 * fragment is 1 and its text 2; a list item's paragraph's text is 4.
 *
 * An item names its parent directly, or — when it has a left or right origin —
 * implicitly as its origin's parent. Parents are looked up in the update
 * itself and in the document the update is going into.
 */
export const MAX_NESTING = 48;

type Struct = Y.Item | Y.GC | Y.Skip;

/** Structs of the update per client, sorted by clock, for lookups by ID. */
function indexStructs(structs: Struct[]): Map<number, Struct[]> {
	const byClient = new Map<number, Struct[]>();
	for (const s of structs) {
		let list = byClient.get(s.id.client);
		if (!list) byClient.set(s.id.client, (list = []));
		list.push(s);
	}
	for (const list of byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
	return byClient;
}

function findIn(byClient: Map<number, Struct[]>, id: Y.ID): Y.Item | null {
	const list = byClient.get(id.client);
	if (!list) return null;
	let lo = 0;
	let hi = list.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const s = list[mid];
		if (id.clock < s.id.clock) hi = mid - 1;
		else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
		else return s instanceof Y.Item ? s : null;
	}
	return null;
}

/** An item already in the document, or null. */
function findInDoc(doc: Y.Doc, id: Y.ID): Y.Item | null {
	if (Y.getState(doc.store, id.client) <= id.clock) return null;
	const found = Y.getItem(doc.store, id);
	return found instanceof Y.Item ? found : null;
}

/** Depth of an integrated item's own type: how many types contain it, itself included. */
function depthInDoc(item: Y.Item, limit: number): number {
	let depth = 0;
	let current: Y.Item | null = item;
	while (current && depth <= limit) {
		depth++;
		current = (current.parent as Y.AbstractType<unknown> | null)?._item ?? null;
	}
	return depth;
}

/**
 * The deepest nesting the update would create, capped at limit + 1 (any value
 * above `limit` means refuse). Throws when the update does not decode.
 */
export function updateNestingDepth(doc: Y.Doc, update: Uint8Array, limit = MAX_NESTING): number {
	const { structs } = Y.decodeUpdate(update) as { structs: Struct[] };
	const byClient = indexStructs(structs);
	const memo = new Map<Y.Item, number>();

	/** Depth of the type an update item lives in (0: a root type). */
	const parentDepth = (item: Y.Item, guard: number): number => {
		if (guard > limit) return limit + 1;
		const parent = item.parent as unknown;
		if (typeof parent === 'string') return 0;
		if (parent instanceof Y.ID) return typeDepth(parent, guard + 1);
		// Implicit parent: the same as the origin's (left, else right).
		const origin = item.origin ?? item.rightOrigin;
		if (!origin) return 0;
		const sibling = findIn(byClient, origin);
		if (sibling && sibling !== item) return parentDepth(sibling, guard + 1);
		const integrated = findInDoc(doc, origin);
		if (!integrated) return 0; // unknown yet: Yjs keeps it pending until its parent arrives
		return depthInDoc(integrated, limit) - 1;
	};

	/** Depth of the type whose item has this id (the item holding a ContentType). */
	const typeDepth = (id: Y.ID, guard: number): number => {
		const own = findIn(byClient, id);
		if (own) return depthOf(own, guard);
		const integrated = findInDoc(doc, id);
		return integrated ? depthInDoc(integrated, limit) : 1;
	};

	const depthOf = (item: Y.Item, guard: number): number => {
		const known = memo.get(item);
		if (known !== undefined) return known;
		const depth = Math.min(limit + 1, parentDepth(item, guard) + 1);
		memo.set(item, depth);
		return depth;
	};

	let deepest = 0;
	// Visit in clock order so parents are usually memoised before their children
	// (keeps the recursion shallow even for a long chain inside one update).
	const items = structs.filter((s): s is Y.Item => s instanceof Y.Item && s.content instanceof Y.ContentType);
	items.sort((a, b) => a.id.clock - b.id.clock);
	for (const item of items) {
		deepest = Math.max(deepest, depthOf(item, 0));
		if (deepest > limit) return deepest;
	}
	return deepest;
}

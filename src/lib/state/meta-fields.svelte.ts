import { META, readMeta, type ActionMeta } from '$lib/action-doc';
import { m } from '$lib/paraglide/messages';
import type * as Y from 'yjs';

/**
 * The structured fields of an action card (the `meta` map of its Y.Doc) as
 * the card's inputs see them. Every input writes one change into `meta` and
 * shows what others write there; this class is the one place that reads,
 * writes and remembers what could not be written.
 *
 * Its contract with the save badge: a key is *held* while its field shows
 * something that is not in the document — a debounced write still waiting,
 * an invalid value (never stored), or a write that was refused (no right to
 * edit) or threw. `waiting` and `unsaved` say so, so the badge never says
 * "saved" for what did not happen.
 *
 * `revision(key)` changes when a field should show the document's value
 * again: a change from someone else, the document arriving, or a write not
 * made by typing (a quarter picked, a change committed). A debounced write
 * while typing does not, so the text under the caret is never replaced.
 */

export type MetaKey = keyof ActionMeta;
export type MetaValue = string | number | string[] | null;

export interface MetaFieldsOptions {
	/** what the card shows before the document is here (from the page's loader) */
	initial: Partial<ActionMeta>;
	/** whether this person may write now (an editor with a writable connection and the document loaded) */
	canWrite: () => boolean;
	/** how long typing pauses before a live field writes, in ms */
	debounceMs?: number;
}

const EMPTY = readMeta(new Map());

export class MetaFields {
	/** per key: the Dutch message why its field's value is not in the document */
	problems = $state<Partial<Record<MetaKey, string>>>({});
	/** debounced writes not made yet */
	waiting = $state(0);
	/** the document's content is here: the fields show it instead of the loader's values */
	loaded = $state(false);

	#meta = $state.raw<ActionMeta>(EMPTY);
	#revisions = $state<Partial<Record<MetaKey, number>>>({});
	readonly #initial: Partial<ActionMeta>;
	readonly #canWrite: () => boolean;
	readonly #debounceMs: number;
	#doc: Y.Doc | null = null;
	readonly #pending = new Map<MetaKey, { timer: ReturnType<typeof setTimeout>; value: MetaValue }>();

	constructor(options: MetaFieldsOptions) {
		this.#initial = options.initial;
		this.#canWrite = options.canWrite;
		this.#debounceMs = options.debounceMs ?? 600;
	}

	get canWrite(): boolean {
		return this.#canWrite();
	}

	get unsaved(): boolean {
		return Object.keys(this.problems).length > 0;
	}

	/** The value the card shows for a key: the document's, or the loader's until the document is here. */
	get<K extends MetaKey>(key: K): ActionMeta[K] {
		if (!this.loaded) return (this.#initial[key] ?? EMPTY[key]) as ActionMeta[K];
		return this.#meta[key];
	}

	revision(key: MetaKey): number {
		return this.#revisions[key] ?? 0;
	}

	/** A key whose field shows an unsent, invalid or refused edit: a change from elsewhere does not overwrite it. */
	held(key: MetaKey): boolean {
		return this.#pending.has(key) || key in this.problems;
	}

	problem(key: MetaKey): string | undefined {
		return this.problems[key];
	}

	/** Shows the field's value as not stored, with the reason. */
	hold(key: MetaKey, message: string): void {
		this.#drop(key);
		this.problems[key] = message;
	}

	/**
	 * Follows a document. Returns the function that stops following; it first
	 * writes what is still waiting, so an edit typed just before leaving the
	 * page still goes into the document (and this browser's offline copy).
	 */
	attach(doc: Y.Doc): () => void {
		this.#doc = doc;
		const map = doc.getMap(META);
		const observer = (event: Y.YMapEvent<unknown>) => {
			this.#meta = readMeta(map);
			if (this.loaded && !event.transaction.local) this.#bump([...event.keysChanged] as MetaKey[]);
		};
		map.observe(observer);
		return () => {
			for (const [key, { timer, value }] of this.#pending) {
				clearTimeout(timer);
				this.#pending.delete(key);
				this.write(key, value);
			}
			this.waiting = 0;
			map.unobserve(observer);
			if (this.#doc === doc) this.#doc = null;
		};
	}

	/** The document is here (synced, or this browser's copy): every field shows it. */
	load(): void {
		if (!this.#doc) return;
		this.#meta = readMeta(this.#doc.getMap(META));
		this.loaded = true;
		this.#bump(Object.keys(EMPTY) as MetaKey[]);
	}

	/**
	 * One Yjs transaction per change; null removes the key; an unchanged value
	 * writes nothing. True when the document holds the value afterwards.
	 */
	write(key: MetaKey, value: MetaValue, options: { typing?: boolean } = {}): boolean {
		this.#drop(key);
		const doc = this.#doc;
		if (!doc || !this.loaded || !this.#canWrite()) {
			this.problems[key] = m.card_save_refused();
			return false;
		}
		try {
			const map = doc.getMap(META);
			const current = map.get(key);
			const same = Array.isArray(value) ? JSON.stringify(current) === JSON.stringify(value) : current === (value ?? undefined);
			if (!same) {
				doc.transact(() => {
					if (value === null) map.delete(key);
					else map.set(key, value);
				});
			}
		} catch (error) {
			console.error(`action card: writing ${key} failed`, error);
			this.problems[key] = m.card_save_failed();
			return false;
		}
		if (key in this.problems) delete this.problems[key];
		if (!options.typing) this.#bump([key]);
		return true;
	}

	/** Writes after typing pauses; the badge says "saving" meanwhile. */
	writeSoon(key: MetaKey, value: MetaValue): void {
		this.#drop(key);
		if (key in this.problems) delete this.problems[key];
		const timer = setTimeout(() => {
			this.#pending.delete(key);
			this.waiting = this.#pending.size;
			this.write(key, value, { typing: true });
		}, this.#debounceMs);
		this.#pending.set(key, { timer, value });
		this.waiting = this.#pending.size;
	}

	#drop(key: MetaKey): void {
		const entry = this.#pending.get(key);
		if (!entry) return;
		clearTimeout(entry.timer);
		this.#pending.delete(key);
		this.waiting = this.#pending.size;
	}

	#bump(keys: MetaKey[]): void {
		for (const key of keys) this.#revisions[key] = (this.#revisions[key] ?? 0) + 1;
	}
}

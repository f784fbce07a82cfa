import type { Person, ThreadView } from '$lib/server/thread';
import { listen } from './shared-events';

export type TargetRef = { kind: 'plan' | 'theme' | 'action'; id: string };

/** A passage someone selected to start an anchored thread on. */
export interface AnchorDraft {
	field: string;
	start: string;
	end: string;
	quote: string;
}

export type ThreadChange =
	| { op: 'reply'; body: string }
	| { op: 'edit'; commentId: string; body: string }
	| { op: 'delete'; commentId: string }
	| { op: 'status'; status: 'open' | 'resolved' };

export type Outcome = { ok: true; message: string } | { ok: false; message: string; errors?: Record<string, string> };

/**
 * The threads of one target (or of a whole plan) in the browser: loaded from
 * the JSON API and reloaded whenever the plan's event stream says a thread
 * changed, so everyone looking at the same card sees the same discussion.
 */
export class ThreadList {
	threads = $state.raw<ThreadView[]>([]);
	people = $state.raw<Person[]>([]);
	loaded = $state(false);
	failed = $state(false);
	/** per field: thread id → is its passage still in the text (reported by the editors) */
	present = $state.raw<Record<string, Record<string, boolean>>>({});

	#unlisten: (() => void) | null = null;
	#pending: ReturnType<typeof setTimeout> | null = null;
	#generation = 0;

	constructor(
		readonly planId: string,
		readonly target: TargetRef | null
	) {}

	get open(): ThreadView[] {
		return this.threads.filter((t) => t.status === 'open');
	}

	get resolved(): ThreadView[] {
		return this.threads.filter((t) => t.status === 'resolved');
	}

	/** The open anchored threads of one field, for the editor's highlights. */
	anchorsFor(field: string): { id: string; start: string; end: string }[] {
		return this.threads
			.filter((t) => t.status === 'open' && t.field === field && t.anchor)
			.map((t) => ({ id: t.id, start: t.anchor!.start, end: t.anchor!.end }));
	}

	/** false when the editor reports the thread's passage is gone from the text */
	isPresent(thread: ThreadView): boolean | null {
		if (!thread.field) return null;
		return this.present[thread.field]?.[thread.id] ?? null;
	}

	setPresent(field: string, state: Record<string, boolean>): void {
		this.present = { ...this.present, [field]: state };
	}

	start(): void {
		void this.refresh();
		if (this.#unlisten) return;
		const mine = this.target ? `${this.target.kind}:${this.target.id}` : null;
		this.#unlisten = listen(
			`/api/plans/${this.planId}/events`,
			(data) => {
				let change: { kind?: string; target?: string } = {};
				try {
					change = JSON.parse(data);
				} catch {
					return;
				}
				if (change.kind !== 'thread' || (mine && change.target !== mine)) return;
				if (this.#pending) return;
				this.#pending = setTimeout(() => {
					this.#pending = null;
					void this.refresh();
				}, 50);
			},
			// after a lost connection, catch up on what was missed
			() => {
				if (this.loaded) void this.refresh();
			}
		);
	}

	stop(): void {
		this.#unlisten?.();
		this.#unlisten = null;
		if (this.#pending) clearTimeout(this.#pending);
		this.#generation++;
	}

	async refresh(): Promise<void> {
		const generation = ++this.#generation;
		const query = this.target ? `?target=${this.target.kind}:${this.target.id}` : '';
		try {
			const response = await fetch(`/api/plans/${this.planId}/threads${query}`, { headers: { accept: 'application/json' } });
			if (!response.ok) throw new Error(String(response.status));
			const data = (await response.json()) as { threads: ThreadView[]; people: Person[] };
			if (generation !== this.#generation) return;
			this.threads = data.threads;
			this.people = data.people;
			this.failed = false;
		} catch {
			if (generation === this.#generation) this.failed = true;
		} finally {
			if (generation === this.#generation) this.loaded = true;
		}
	}

	async create(input: { target: TargetRef; body: string; anchor?: AnchorDraft | null }): Promise<Outcome & { threadId?: string }> {
		const outcome = await this.#post(`/api/plans/${this.planId}/threads`, input);
		return outcome;
	}

	async change(threadId: string, change: ThreadChange): Promise<Outcome> {
		return this.#post(`/api/threads/${threadId}`, change);
	}

	async #post(url: string, body: unknown): Promise<Outcome & { threadId?: string }> {
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify(body)
			});
			const data = (await response.json().catch(() => ({}))) as {
				message?: string;
				errors?: Record<string, string>;
				thread?: ThreadView | null;
			};
			if (!response.ok) return { ok: false, message: data.message ?? '', errors: data.errors };
			await this.refresh();
			return { ok: true, message: data.message ?? '', threadId: data.thread?.id };
		} catch {
			return { ok: false, message: '' };
		}
	}
}

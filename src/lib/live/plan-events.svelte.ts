import { invalidate } from '$app/navigation';
import { listen } from './shared-events';

/**
 * Keeps a page of a plan live: listens to the plan's Server-Sent Events and
 * reloads the page data that depends on `plan:<id>`. Remembers what changed
 * recently so the page can mark it softly.
 */
export class PlanEvents {
	recentlyChanged = $state<ReadonlySet<string>>(new Set());
	#stop: (() => void) | null = null;
	#timers = new Map<string, ReturnType<typeof setTimeout>>();
	#pending: ReturnType<typeof setTimeout> | null = null;

	constructor(private planId: string) {}

	start(): void {
		if (this.#stop) return;
		// One stream per plan and tab, shared with thread panels and boards.
		this.#stop = listen(`/api/plans/${this.planId}/events`, (data) => {
			let change: { id?: string; kind?: string } = {};
			try {
				change = JSON.parse(data);
			} catch {
				return;
			}
			// Votes in an evaluation session do not change the plan itself.
			if (change.kind === 'review') return;
			if (change.id) this.#mark(change.id);
			// Coalesce bursts of changes into one reload.
			if (this.#pending) return;
			this.#pending = setTimeout(() => {
				this.#pending = null;
				void invalidate(`plan:${this.planId}`);
			}, 80);
		});
	}

	#mark(id: string): void {
		const next = new Set(this.recentlyChanged);
		next.add(id);
		this.recentlyChanged = next;
		clearTimeout(this.#timers.get(id));
		this.#timers.set(
			id,
			setTimeout(() => {
				const after = new Set(this.recentlyChanged);
				after.delete(id);
				this.recentlyChanged = after;
			}, 4000)
		);
	}

	stop(): void {
		this.#stop?.();
		this.#stop = null;
		for (const t of this.#timers.values()) clearTimeout(t);
		if (this.#pending) clearTimeout(this.#pending);
	}
}

import { deserialize } from '$app/forms';
import { invalidate } from '$app/navigation';
import { STATUSES, type Status } from '$lib/action-doc';
import { listen } from '$lib/live/shared-events';
import { m } from '$lib/paraglide/messages';
import type { Board, BoardCard } from '$lib/server/board';
import { statusLabel } from '$lib/status';
import { tick } from 'svelte';
import type { DndEvent } from 'svelte-dnd-action';

/**
 * The cards of a status board as the user sees them: rebuilt from the
 * server's data, moved at once on a drag, a menu choice or another board's
 * event, and never replaced in the middle of a drag. Every move is sent to
 * the page's `move` action; a refused move reloads the truth from the server.
 *
 * Contract with the page: call `sync(board)` whenever the loader's board
 * changes, `listen()` once mounted (it returns the function that stops it),
 * and read `announcement` into a polite live region.
 */

type Cells = Record<string, Record<Status, BoardCard[]>>;

function cellsOf(b: Board): Cells {
	return Object.fromEntries(
		b.lanes.map((l) => [l.id, Object.fromEntries(STATUSES.map((s) => [s, l.columns[s].map((c) => ({ ...c }))])) as Record<Status, BoardCard[]>])
	);
}

/** Keeps keyboard focus on the same control (ids `kaart-…`) when its card is re-rendered elsewhere. */
export function preservingFocus(change: () => void): void {
	const active = typeof document !== 'undefined' ? document.activeElement : null;
	const id = active?.id?.startsWith('kaart-') ? active.id : null;
	change();
	if (id) {
		void tick().then(() => {
			const el = document.getElementById(id);
			if (el && document.activeElement !== el) el.focus();
		});
	}
}

export class BoardCells {
	cells = $state<Cells>({});
	announcement = $state('');
	error = $state('');
	recentlyChanged = $state<ReadonlySet<string>>(new Set());

	#board: Board;
	#dragging = false;
	#stale = false;
	#markTimers = new Map<string, ReturnType<typeof setTimeout>>();

	constructor(board: Board) {
		this.#board = board;
		this.cells = cellsOf(board);
	}

	get #planId(): string {
		return this.#board.plan.id;
	}

	/** The server's board arrived: shown at once, or after the drag in progress. */
	sync(board: Board): void {
		this.#board = board;
		if (this.#dragging) this.#stale = true;
		else preservingFocus(() => (this.cells = cellsOf(board)));
	}

	/** The card (and where it is) by id. */
	find(id: string): { laneId: string; status: Status; index: number; card: BoardCard } | null {
		for (const [laneId, lane] of Object.entries(this.cells)) {
			for (const status of STATUSES) {
				const index = lane[status].findIndex((c) => c.id === id);
				if (index >= 0) return { laneId, status, index, card: lane[status][index] };
			}
		}
		return null;
	}

	#mark(id: string): void {
		this.recentlyChanged = new Set([...this.recentlyChanged, id]);
		clearTimeout(this.#markTimers.get(id));
		this.#markTimers.set(
			id,
			setTimeout(() => {
				const after = new Set(this.recentlyChanged);
				after.delete(id);
				this.recentlyChanged = after;
			}, 4000)
		);
	}

	/** Moves a card to another column, where it takes its place by position. */
	#relocate(id: string, status: Status): void {
		const at = this.find(id);
		if (!at || at.status === status) return;
		const lane = this.cells[at.laneId];
		const [card] = lane[at.status].splice(at.index, 1);
		card.status = status;
		const target = lane[status];
		const index = target.findIndex((c) => c.position > card.position);
		target.splice(index < 0 ? target.length : index, 0, card);
	}

	async #send(input: { actionId: string; status: Status; afterId?: string; beforeId?: string }): Promise<boolean> {
		const body = new FormData();
		for (const [key, value] of Object.entries(input)) if (value) body.set(key, value);
		this.error = '';
		try {
			const response = await fetch(`/plannen/${this.#planId}/bord?/move`, { method: 'POST', body, headers: { 'x-sveltekit-action': 'true' } });
			const result = deserialize(await response.text());
			if (result.type === 'success') return true;
			const message = result.type === 'failure' ? String(result.data?.message ?? '') : m.error_generic_text();
			this.error = m.board_move_failed({ message });
		} catch {
			this.error = m.board_move_failed({ message: m.error_generic_text() });
		}
		await invalidate(`plan:${this.#planId}`);
		return false;
	}

	#announceMove(title: string, status: Status): void {
		this.announcement =
			status === 'dropped' && !this.#board.filter.showDropped
				? m.board_moved_hidden({ title, status: statusLabel(status) })
				: m.board_moved({ title, status: statusLabel(status) });
	}

	/** "Verplaats naar…": the card moves, focus stays on its menu button (or its lane when the card is hidden now). */
	async moveByMenu(laneId: string, card: BoardCard, status: Status): Promise<void> {
		const title = card.title;
		preservingFocus(() => this.#relocate(card.id, status));
		this.#mark(card.id);
		this.#announceMove(title, status);
		await tick();
		const button = document.getElementById(`kaart-${card.id}-menu`) ?? document.getElementById(`baan-${laneId}`);
		button?.focus();
		await this.#send({ actionId: card.id, status });
	}

	async reorder(laneId: string, status: Status, card: BoardCard, direction: 'up' | 'down'): Promise<void> {
		const list = this.cells[laneId][status];
		const index = list.findIndex((c) => c.id === card.id);
		const other = direction === 'up' ? index - 1 : index + 1;
		if (index < 0 || other < 0 || other >= list.length) return;
		const neighbour = list[other];
		preservingFocus(() => {
			[list[index], list[other]] = [list[other], list[index]];
		});
		this.announcement = m.board_reordered({ title: card.title, status: statusLabel(status) });
		await this.#send(direction === 'up' ? { actionId: card.id, status, beforeId: neighbour.id } : { actionId: card.id, status, afterId: neighbour.id });
	}

	consider(laneId: string, status: Status, event: CustomEvent<DndEvent<BoardCard>>): void {
		this.#dragging = true;
		this.cells[laneId][status] = event.detail.items;
	}

	finalize(laneId: string, status: Status, event: CustomEvent<DndEvent<BoardCard>>): void {
		const items = event.detail.items;
		this.cells[laneId][status] = items;
		// Both zones of a move finalize; the drop is handled once, where the card landed.
		queueMicrotask(() => {
			this.#dragging = false;
			if (this.#stale) {
				this.#stale = false;
				this.cells = cellsOf(this.#board);
			}
		});
		const id = String(event.detail.info.id);
		const index = items.findIndex((c) => c.id === id);
		if (index < 0) return;
		const card = items[index];
		const before = card.status;
		const original = this.#board.lanes.find((l) => l.id === laneId)?.columns[before].map((c) => c.id) ?? [];
		const samePlace = before === status && original.join() === items.map((c) => c.id).join();
		if (samePlace) return;
		card.status = status;
		const after = items[index - 1];
		const next = items[index + 1];
		this.#mark(id);
		if (before !== status) this.#announceMove(card.title, status);
		else this.announcement = m.board_reordered({ title: card.title, status: statusLabel(status) });
		void this.#send({ actionId: id, status, afterId: after?.id, beforeId: after ? undefined : next?.id });
	}

	/**
	 * Follows the plan's event stream (shared with the thread lists: one
	 * connection per tab): someone else's move shows at once, then the truth
	 * from the server (roll-up, order, thread counts), coalesced.
	 */
	listen(): () => void {
		let reload: ReturnType<typeof setTimeout> | null = null;
		const stop = listen(`/api/plans/${this.#planId}/events`, (data) => {
			let change: { kind?: string; id?: string; status?: string } = {};
			try {
				change = JSON.parse(data);
			} catch {
				return;
			}
			// votes and reviews of an evaluation do not change the board
			if (change.kind === 'review') return;
			if (change.kind === 'action' && change.id && change.status && !this.#dragging && (STATUSES as readonly string[]).includes(change.status)) {
				const at = this.find(change.id);
				if (at && at.status !== change.status) {
					const status = change.status as Status;
					const id = change.id;
					preservingFocus(() => this.#relocate(id, status));
					this.#mark(id);
					// someone else's move (our own arrive here already in place): said aloud, politely
					this.announcement = m.board_moved_remote({ title: at.card.title, status: statusLabel(status) });
				}
			}
			if (reload) return;
			reload = setTimeout(() => {
				reload = null;
				void invalidate(`plan:${this.#planId}`);
			}, 80);
		});
		return () => {
			stop();
			if (reload) clearTimeout(reload);
			for (const t of this.#markTimers.values()) clearTimeout(t);
		};
	}
}

import { listenEvent } from './shared-events';

export interface PresentPerson {
	id: string;
	name: string;
	color: string;
}

/**
 * Who has a card or a theme's text of this plan open now, per theme id: the
 * plan event stream's named `presence` events (see src/lib/server/plan-presence.ts),
 * on the stream the page already holds. Each event is the whole picture, so a
 * reconnect corrects it; nothing else of the page reloads. While the browser
 * is offline nobody is shown as at work: that would be a guess.
 */
export class PlanPresence {
	byTheme = $state<Record<string, PresentPerson[]>>({});
	/** the stream's last picture, shown again when the browser is back online */
	#latest: Record<string, PresentPerson[]> = {};
	#offline = false;
	#stop: (() => void) | null = null;

	constructor(private planId: string) {}

	start(): void {
		if (this.#stop) return;
		this.#offline = navigator.onLine === false;
		const offline = () => {
			this.#offline = true;
			this.byTheme = {};
		};
		// an open stream that survived sends nothing new; a new one sends the whole picture at once
		const online = () => {
			this.#offline = false;
			this.byTheme = this.#latest;
		};
		window.addEventListener('offline', offline);
		window.addEventListener('online', online);
		const stopListening = listenEvent(`/api/plans/${this.planId}/events`, 'presence', (data) => {
			try {
				const parsed: unknown = JSON.parse(data);
				if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
				this.#latest = parsed as Record<string, PresentPerson[]>;
				if (!this.#offline) this.byTheme = this.#latest;
			} catch {
				/* not a presence message */
			}
		});
		this.#stop = () => {
			window.removeEventListener('offline', offline);
			window.removeEventListener('online', online);
			stopListening();
		};
	}

	/** the people at work in a theme, without the viewer (who knows where they are) */
	in(themeId: string, meId: string | undefined): PresentPerson[] {
		const people = this.byTheme[themeId];
		return Array.isArray(people) ? people.filter((p) => p && typeof p.name === 'string' && p.id !== meId) : [];
	}

	stop(): void {
		this.#stop?.();
		this.#stop = null;
	}
}

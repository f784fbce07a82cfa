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
 * reconnect corrects it; nothing else of the page reloads.
 */
export class PlanPresence {
	byTheme = $state<Record<string, PresentPerson[]>>({});
	#stop: (() => void) | null = null;

	constructor(private planId: string) {}

	start(): void {
		if (this.#stop) return;
		this.#stop = listenEvent(`/api/plans/${this.planId}/events`, 'presence', (data) => {
			try {
				const parsed: unknown = JSON.parse(data);
				if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) this.byTheme = parsed as Record<string, PresentPerson[]>;
			} catch {
				/* not a presence message */
			}
		});
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

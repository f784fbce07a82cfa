import { parseDocName } from '../doc-name.ts';
import type { Db } from './db.ts';

/**
 * Who is at work in which theme of a plan, for the plan page: the people with
 * a socket on the theme's own text or on one of its actions' cards. The
 * collaboration server knows the sockets per document (CollabServer.present);
 * this maps its documents to the plan's themes as they are now (an action
 * moved to another theme counts there), leaving out archived ones and the
 * plan's introduction. Readers of the plan may see it: the event stream that
 * carries it checks that.
 */

export interface PresentPerson {
	id: string;
	name: string;
	color: string;
}

export interface DocumentPresence {
	name: string;
	users: PresentPerson[];
}

/** theme id → the people at work in it, each once, by name */
export type ThemePresence = Record<string, PresentPerson[]>;

export async function presenceByTheme(db: Db, planId: string, documents: readonly DocumentPresence[]): Promise<ThemePresence> {
	const themeDocs = new Map<string, PresentPerson[]>();
	const actionDocs = new Map<string, PresentPerson[]>();
	for (const entry of documents) {
		const ref = parseDocName(entry.name);
		if (ref?.kind === 'theme') themeDocs.set(ref.id, entry.users);
		else if (ref?.kind === 'action') actionDocs.set(ref.id, entry.users);
	}
	if (themeDocs.size === 0 && actionDocs.size === 0) return {};
	const [themes, actions] = await Promise.all([
		themeDocs.size === 0
			? []
			: db
					.selectFrom('themes')
					.select('id')
					.where('plan_id', '=', planId)
					.where('archived_at', 'is', null)
					.where('id', 'in', [...themeDocs.keys()])
					.execute(),
		actionDocs.size === 0
			? []
			: db
					.selectFrom('actions')
					.innerJoin('themes', 'themes.id', 'actions.theme_id')
					.select(['actions.id', 'actions.theme_id'])
					.where('actions.plan_id', '=', planId)
					.where('actions.archived_at', 'is', null)
					.where('themes.archived_at', 'is', null)
					.where('actions.id', 'in', [...actionDocs.keys()])
					.execute()
	]);
	const byTheme = new Map<string, Map<string, PresentPerson>>();
	const add = (themeId: string, users: readonly PresentPerson[]) => {
		let people = byTheme.get(themeId);
		if (!people) byTheme.set(themeId, (people = new Map()));
		for (const user of users) if (!people.has(user.id)) people.set(user.id, { id: user.id, name: user.name, color: user.color });
	};
	for (const theme of themes) add(theme.id, themeDocs.get(theme.id) ?? []);
	for (const action of actions) add(action.theme_id, actionDocs.get(action.id) ?? []);
	const result: ThemePresence = {};
	for (const [themeId, people] of byTheme) {
		result[themeId] = [...people.values()].sort((a, b) => a.name.localeCompare(b.name, 'nl') || a.id.localeCompare(b.id));
	}
	return result;
}

/**
 * Feeds one open event stream of a plan with who is at work per theme: once at
 * the start (so a reconnected page forgets who left meanwhile), then after each
 * join or leave and each change of the plan's structure (an action moved to
 * another theme), coalesced over `delayMs`, and only when it differs from
 * what this stream sent last. Returns how to stop.
 */
export function streamPresence(options: {
	db: Db;
	planId: string;
	/** the collaboration server's sockets per document of the plan (of every node, with several) */
	read: () => readonly DocumentPresence[] | Promise<readonly DocumentPresence[]>;
	send: (presence: ThemePresence) => void;
	onError?: (err: unknown) => void;
	delayMs?: number;
	subscribe: {
		presence: (planId: string, listener: () => void) => () => void;
		plan: (planId: string, listener: (change: { kind: string }) => void) => () => void;
	};
}): () => void {
	const { db, planId, delayMs = 250 } = options;
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | null = null;
	let running = false;
	let again = false;
	let last: string | null = null;

	async function push(): Promise<void> {
		timer = null;
		if (running) {
			again = true;
			return;
		}
		running = true;
		try {
			const presence = await presenceByTheme(db, planId, await options.read());
			const json = JSON.stringify(presence);
			if (!stopped && json !== last) {
				last = json;
				options.send(presence);
			}
		} catch (err) {
			options.onError?.(err);
		} finally {
			running = false;
			if (again && !stopped) {
				again = false;
				schedule();
			}
		}
	}
	function schedule(): void {
		if (stopped || timer) return;
		timer = setTimeout(() => void push(), delayMs);
	}

	const stopPresence = options.subscribe.presence(planId, schedule);
	const stopPlan = options.subscribe.plan(planId, (change) => {
		if (change.kind === 'structure') schedule();
	});
	schedule();
	return () => {
		stopped = true;
		if (timer) clearTimeout(timer);
		stopPresence();
		stopPlan();
	};
}

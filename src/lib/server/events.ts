import { EventEmitter } from 'node:events';
import type { Status } from '../action-doc.ts';
import type { SessionPatch } from '../review-session.ts';

/**
 * In-process notifications of "this plan changed", so open plan pages,
 * boards and matrices refresh live (through Server-Sent Events). Shared via
 * globalThis because server/ and the SvelteKit bundle load this module
 * separately. With several nodes each event also reaches the others
 * (setEventRelay; server/app.ts wires it to the cluster's messages).
 */
export interface PlanChange {
	planId: string;
	/** what changed, for the client to decide what to reload */
	kind: 'action' | 'theme' | 'plan' | 'structure' | 'adoption' | 'thread' | 'review';
	/** for kind 'thread': what the thread is on (`<kind>:<id>`), so a page reloads only its own threads */
	target?: string;
	id?: string;
	/** an action's new status, when a board moved it: open boards move the card without reloading first */
	status?: Status;
	/** for kind 'review' from the session: the change itself, so open session screens apply it without reloading */
	review?: SessionPatch;
}

const KEY = Symbol.for('kring.planEvents');
const RELAY = Symbol.for('kring.eventRelay');
type Holder = { [KEY]?: EventEmitter; [RELAY]?: EventRelay | null };

/** Carries an event to the other nodes (server/collab/cluster.ts); they emit it with emitRelayed. */
export type EventRelay = (event: string, payload: unknown) => void;

/** Several nodes: every event published here is also handed to `relay`. null: one node. */
export function setEventRelay(relay: EventRelay | null): void {
	(globalThis as Holder)[RELAY] = relay;
}

/** An event another node published: shown to this node's listeners, not relayed again. */
export function emitRelayed(event: string, payload: unknown): void {
	if (/^(plan|presence|user):/.test(event)) bus().emit(event, payload);
}

function emit(event: string, payload?: unknown): void {
	bus().emit(event, payload);
	(globalThis as Holder)[RELAY]?.(event, payload);
}

function bus(): EventEmitter {
	const holder = globalThis as Holder;
	if (!holder[KEY]) {
		holder[KEY] = new EventEmitter();
		holder[KEY].setMaxListeners(0);
	}
	return holder[KEY];
}

export function publishPlanChange(change: PlanChange): void {
	emit(`plan:${change.planId}`, change);
}

export function subscribePlan(planId: string, listener: (change: PlanChange) => void): () => void {
	const event = `plan:${planId}`;
	bus().on(event, listener);
	return () => bus().off(event, listener);
}

/**
 * Someone opened or closed a live document (a card, a theme's text) of this
 * plan. Carries nothing: a listener asks who is there now (plan-presence.ts).
 */
export function publishPresenceChange(planId: string): void {
	emit(`presence:${planId}`);
}

export function subscribePresence(planId: string, listener: () => void): () => void {
	const event = `presence:${planId}`;
	bus().on(event, listener);
	return () => bus().off(event, listener);
}

/** Something in one user's inbox changed (a new notification, or one was read). Carries no content. */
export interface UserChange {
	userId: string;
	kind: 'inbox';
}

export function publishUserChange(change: UserChange): void {
	emit(`user:${change.userId}`, change);
}

export function subscribeUser(userId: string, listener: (change: UserChange) => void): () => void {
	const event = `user:${userId}`;
	bus().on(event, listener);
	return () => bus().off(event, listener);
}

/** publishUserChange for each of these users' inboxes. */
export function publishInboxChanges(userIds: readonly string[]): void {
	for (const userId of userIds) publishUserChange({ userId, kind: 'inbox' });
}

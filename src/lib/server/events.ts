import { EventEmitter } from 'node:events';

/**
 * In-process notifications of "this plan changed", so open plan pages,
 * boards and matrices refresh live (through Server-Sent Events). Shared via
 * globalThis because server/ and the SvelteKit bundle load this module
 * separately.
 */
export interface PlanChange {
	planId: string;
	/** what changed, for the client to decide what to reload */
	kind: 'action' | 'theme' | 'plan' | 'structure' | 'adoption';
	id?: string;
}

const KEY = Symbol.for('kring.planEvents');
type Holder = { [KEY]?: EventEmitter };

function bus(): EventEmitter {
	const holder = globalThis as Holder;
	if (!holder[KEY]) {
		holder[KEY] = new EventEmitter();
		holder[KEY].setMaxListeners(0);
	}
	return holder[KEY];
}

export function publishPlanChange(change: PlanChange): void {
	bus().emit(`plan:${change.planId}`, change);
}

export function subscribePlan(planId: string, listener: (change: PlanChange) => void): () => void {
	const event = `plan:${planId}`;
	bus().on(event, listener);
	return () => bus().off(event, listener);
}

import { META } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import type { CheckinStatus } from './checkin.ts';
import type { Db } from './db.ts';
import { publishPlanChange } from './events.ts';

/**
 * A check-in's status changes become the actions' statuses: a change of each
 * action's Yjs `meta` (so open cards and boards see it at once, as a board
 * move does), the projected column, and a live event.
 */
export async function applyCheckinStatuses(
	db: Db,
	input: { planId: string; changes: CheckinStatus[]; changeDocument: (name: string, fn: (doc: import('yjs').Doc) => void) => Promise<void> }
): Promise<void> {
	for (const change of input.changes) {
		await input.changeDocument(docName({ kind: 'action', id: change.actionId }), (doc) => doc.getMap(META).set('status', change.status));
		await db.updateTable('actions').set({ status: change.status, updated_at: Date.now() }).where('id', '=', change.actionId).execute();
		publishPlanChange({ planId: input.planId, kind: 'action', id: change.actionId, status: change.status });
	}
}

import { STATUSES, type Status } from '$lib/action-doc';
import { m } from '$lib/paraglide/messages';

/** Dutch label of an action status; always shown with (never replaced by) its colour. */
export function statusLabel(status: Status | string): string {
	switch (status) {
		case 'in_progress':
			return m.status_in_progress();
		case 'at_risk':
			return m.status_at_risk();
		case 'done':
			return m.status_done();
		case 'ongoing':
			return m.status_ongoing();
		case 'dropped':
			return m.status_dropped();
		default:
			return m.status_not_started();
	}
}

/** A small glyph per status, so the state reads without colour too. */
export function statusIcon(status: Status | string): string {
	switch (status) {
		case 'in_progress':
			return '◐';
		case 'at_risk':
			return '!';
		case 'done':
			return '✓';
		case 'ongoing':
			return '↻';
		case 'dropped':
			return '×';
		default:
			return '○';
	}
}

/** Every status with its label, in workflow order, for selects and filters. */
export function statusOptions(): { value: Status; label: string }[] {
	return STATUSES.map((value) => ({ value, label: statusLabel(value) }));
}

import { m } from '$lib/paraglide/messages';

/** Dutch words for the adoption cycle's states, shared by its pages, components and exports. */

export function planStatusLabel(status: 'concept' | 'in_decision' | 'adopted'): string {
	if (status === 'adopted') return m.adoption_status_adopted();
	if (status === 'in_decision') return m.adoption_status_in_decision();
	return m.adoption_status_concept();
}

export function decisionLabel(decision: 'adopted' | 'deferred' | 'rejected' | null): string {
	if (decision === 'adopted') return m.adoption_decision_adopted();
	if (decision === 'deferred') return m.adoption_decision_deferred();
	if (decision === 'rejected') return m.adoption_decision_rejected();
	return m.adoption_decision_none();
}

export function bodyLabel(body: 'council' | 'committee'): string {
	return body === 'council' ? m.response_body_council() : m.response_body_committee();
}

export function outcomeLabel(outcome: 'processed' | 'partly' | 'not' | null): string {
	if (outcome === 'processed') return m.response_outcome_processed();
	if (outcome === 'partly') return m.response_outcome_partly();
	if (outcome === 'not') return m.response_outcome_not();
	return m.response_outcome_open();
}

/** 'YYYY-MM-DD' → '14 april 2021' */
export function formatDay(day: string): string {
	const d = new Date(`${day}T12:00:00Z`);
	if (Number.isNaN(d.getTime())) return day;
	return new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
}

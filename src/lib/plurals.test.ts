import { describe, expect, it } from 'vitest';
import { m } from './paraglide/messages.js';

/** Count messages choose their words by number (messages/*.json, plural variants): "1 actie", not "1 acties". */
describe('Dutch plurals in the message catalogue', () => {
	it('says one action, one vote, one gemeente', () => {
		expect(m.plans_actions_count({ count: 1 })).toBe('1 actie');
		expect(m.plans_actions_count({ count: 2 })).toBe('2 acties');
		expect(m.plans_actions_count({ count: 0 })).toBe('0 acties');
		expect(m.review_tally_total({ count: 1 })).toBe('1 stem');
		expect(m.review_tally_total({ count: 2 })).toBe('2 stemmen');
		expect(m.municipality_count({ count: 1 })).toBe('1 gemeente');
		expect(m.municipality_count({ count: 7 })).toBe('7 gemeenten');
	});

	it('chooses by the total where a count is out of a total', () => {
		expect(m.plan_adoption_count({ active: 1, total: 1 })).toBe('1 van 1 gemeente actief');
		expect(m.plan_adoption_count({ active: 1, total: 3 })).toBe('1 van 3 gemeenten actief');
		expect(m.inbox_review_open({ open: 1, total: 1 })).toBe('Je moet je actie nog evalueren.');
		expect(m.inbox_review_open({ open: 2, total: 5 })).toBe('Je moet nog 2 van je 5 acties evalueren.');
		expect(m.home_review_task_meta({ plan: 'Agenda', open: 1, total: 1 })).toBe('Agenda · nog 1 van 1 actie');
		expect(m.home_review_task_meta({ plan: 'Agenda', open: 2, total: 4 })).toBe('Agenda · nog 2 van 4 acties');
	});

	it('says one open comment, one character, one action without a decision, one other', () => {
		expect(m.threads_open_count_label({ count: 1 })).toBe('1 open reactie');
		expect(m.threads_open_count_label({ count: 3 })).toBe('3 open reacties');
		expect(m.comment_chars_left({ count: 1 })).toBe('1 teken over');
		expect(m.comment_chars_left({ count: 12 })).toBe('12 tekens over');
		expect(m.review_error_undecided({ count: 1 })).toBe('Nog 1 actie zonder besluit. Neem een besluit of bevestig ‘besluit later’.');
		expect(m.review_error_undecided({ count: 2 })).toMatch(/^Nog 2 acties zonder besluit\./);
		expect(m.presence_others({ count: 1 })).toBe('1 ander hier');
		expect(m.presence_others({ count: 4 })).toBe('4 anderen hier');
	});

	it('does the same in English', () => {
		expect(m.plans_actions_count({ count: 1 }, { locale: 'en' })).toBe('1 action');
		expect(m.plans_actions_count({ count: 2 }, { locale: 'en' })).toBe('2 actions');
		expect(m.review_tally_total({ count: 1 }, { locale: 'en' })).toBe('1 vote');
		expect(m.review_error_undecided({ count: 1 }, { locale: 'en' })).toMatch(/^1 action lacks a decision\./);
	});
});

import { m } from '$lib/paraglide/messages';
import { verdictLabel } from '$lib/review-labels';
import { statusLabel } from '$lib/status';
import type { XlsxWords } from '$lib/server/plan-xlsx';

/** The document exports' words, from the message catalogue (the renderers in src/lib/server take them as input). */
export function exportWords(): XlsxWords {
	return {
		contents: m.export_contents(),
		intro: m.export_intro(),
		period: (start, end) => m.export_period({ start: String(start), end: String(end) }),
		adoptedOn: (date) => m.export_adopted_on({ date }),
		versionLabel: (label) => m.export_version_label({ label }),
		region: (name) => m.export_region({ name }),
		municipality: (name) => m.export_municipality({ name }),
		ambassadors: m.export_ambassadors(),
		regionalActions: m.export_regional_actions(),
		localActions: m.export_local_actions(),
		action: m.export_action(),
		planning: m.export_planning(),
		cost: m.export_cost(),
		funding: m.export_funding(),
		status: m.export_status(),
		lead: m.export_lead(),
		municipalityLabel: m.export_municipality_label(),
		progress: m.export_progress(),
		ongoing: m.export_ongoing(),
		page: m.export_page(),
		noActions: m.export_no_actions(),
		statusLabel,
		sheets: {
			actions: m.export_sheet_actions(),
			matrix: m.export_sheet_matrix(),
			decisions: m.export_sheet_decisions(),
			budget: m.export_sheet_budget(),
			indicators: m.export_sheet_indicators()
		},
		col: {
			chapter: m.export_col_chapter(),
			number: m.export_col_number(),
			theme: m.export_col_theme(),
			level: m.export_col_level(),
			action: m.export_col_action(),
			status: m.export_col_status(),
			start: m.export_col_start(),
			end: m.export_col_end(),
			lead: m.export_col_lead(),
			municipality: m.export_col_municipality(),
			cost: m.export_col_cost(),
			funding: m.export_col_funding(),
			fundingNote: m.export_col_funding_note(),
			progress: m.export_col_progress(),
			cycle: m.export_col_cycle(),
			verdict: m.export_col_verdict(),
			decisionText: m.export_col_decision_text(),
			decidedBy: m.export_col_decided_by(),
			decidedAt: m.export_col_decided_at(),
			later: m.export_col_later(),
			source: m.export_col_funding(),
			scope: m.export_col_scope(),
			total: m.export_col_total(),
			allocated: m.export_col_allocated(),
			note: m.export_col_note(),
			unfunded: m.export_col_unfunded(),
			indicator: m.export_col_indicator(),
			unit: m.export_col_unit(),
			indicatorSource: m.export_col_source(),
			year: m.export_col_year(),
			subregion: m.export_col_subregion(),
			value: m.export_col_value()
		},
		levelLabel: (level) => (level === 'regional' ? m.plan_level_regional() : m.plan_level_local()),
		verdictLabel,
		yes: m.export_yes()
	};
}

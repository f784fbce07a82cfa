import type { Db } from './db.ts';
import { newId } from './id.ts';
import { PLAN_KINDS, type FieldDef, type LevelNames } from './plan.ts';

/**
 * A plan's own shape: its title, kind, period, level words, card template and
 * the plan it carries out. The card template is the list of rich-text fields
 * every card shows, each a fragment (by key) of the card's Y.Doc. A field is
 * never removed: hiding it keeps its key, so its text stays in every card and
 * comes back when the field is shown again. A new field gets a fresh key, and
 * every card shows it (empty) because cards render from the template.
 */
export const TITLE_MAX = 300;
export const LABEL_MAX = 120;
export const LEVEL_WORD_MAX = 60;

export type SettingsError =
	| 'title_required'
	| 'title_too_long'
	| 'subtitle_too_long'
	| 'bad_kind'
	| 'bad_period'
	| 'level_required'
	| 'level_too_long'
	| 'label_required'
	| 'label_too_long'
	| 'label_duplicate'
	| 'template_empty'
	| 'field_unknown'
	| 'field_missing'
	| 'parent_unknown'
	| 'parent_cycle';

export type SettingsOutcome<T> = { ok: true; value: T } | { ok: false; error: SettingsError; label?: string };

/** A field as the settings form sends it: key absent (or empty) for a new field. */
export interface TemplateInput {
	key?: string | null;
	label: string;
	hidden?: boolean;
}

/** A fresh field key: never one in use, so no old text ever reappears under a new field. */
export function newFieldKey(): string {
	return `veld_${newId().slice(0, 12)}`;
}

/**
 * Checks a new card template against the current one: every current field is
 * still there (hidden or shown), no unknown keys, every label filled and
 * unique (ignoring case and spaces around it), at least one field shown.
 */
export function checkCardTemplate(current: readonly FieldDef[], next: readonly TemplateInput[]): SettingsOutcome<FieldDef[]> {
	const known = new Set(current.map((f) => f.key));
	const seenKeys = new Set<string>();
	const seenLabels = new Set<string>();
	const out: FieldDef[] = [];
	for (const field of next) {
		const label = field.label.trim().replace(/\s+/g, ' ');
		if (!label) return { ok: false, error: 'label_required' };
		if (label.length > LABEL_MAX) return { ok: false, error: 'label_too_long', label };
		const folded = label.toLocaleLowerCase('nl');
		if (seenLabels.has(folded)) return { ok: false, error: 'label_duplicate', label };
		seenLabels.add(folded);
		let key = field.key?.trim() || '';
		if (key) {
			if (!known.has(key) || seenKeys.has(key)) return { ok: false, error: 'field_unknown' };
		} else {
			do key = newFieldKey();
			while (known.has(key) || seenKeys.has(key));
		}
		seenKeys.add(key);
		out.push(field.hidden ? { key, label, hidden: true } : { key, label });
	}
	for (const key of known) if (!seenKeys.has(key)) return { ok: false, error: 'field_missing' };
	if (!out.some((f) => !f.hidden)) return { ok: false, error: 'template_empty' };
	return { ok: true, value: out };
}

/** The fields a card shows, in order: the template without its hidden fields. */
export function visibleFields(template: readonly FieldDef[]): FieldDef[] {
	return template.filter((f) => !f.hidden).map((f) => ({ key: f.key, label: f.label }));
}

export function checkLevels(levels: LevelNames): SettingsOutcome<LevelNames> {
	const out = {} as LevelNames;
	for (const k of ['chapter', 'chapterPlural', 'theme', 'themePlural'] as const) {
		const word = (levels[k] ?? '').trim();
		if (!word) return { ok: false, error: 'level_required' };
		if (word.length > LEVEL_WORD_MAX) return { ok: false, error: 'level_too_long' };
		out[k] = word;
	}
	return { ok: true, value: out };
}

/** A plan title as typed: trimmed, 1 to TITLE_MAX characters. */
export function checkTitle(title: string): SettingsOutcome<string> {
	const t = title.trim();
	if (!t) return { ok: false, error: 'title_required' };
	if (t.length > TITLE_MAX) return { ok: false, error: 'title_too_long' };
	return { ok: true, value: t };
}

/** Plans of the same region this plan may carry out: not itself, and none that (indirectly) carries it out. */
export async function parentCandidates(db: Db, planId: string): Promise<{ id: string; title: string }[]> {
	const plan = await db.selectFrom('plans').select(['region_id']).where('id', '=', planId).executeTakeFirst();
	if (!plan) return [];
	const plans = await db
		.selectFrom('plans')
		.select(['id', 'title', 'parent_plan_id', 'period_start'])
		.where('region_id', '=', plan.region_id)
		.where('archived_at', 'is', null)
		.orderBy('period_start', 'desc')
		.orderBy('title')
		.execute();
	const parentOf = new Map(plans.map((p) => [p.id, p.parent_plan_id]));
	return plans.filter((p) => p.id !== planId && !reaches(parentOf, p.id, planId)).map((p) => ({ id: p.id, title: p.title }));
}

/** Does following parent links from `from` arrive at `target`? Stops at a loop already in the data. */
function reaches(parentOf: Map<string, string | null>, from: string, target: string): boolean {
	const seen = new Set<string>();
	let at: string | null | undefined = from;
	while (at && !seen.has(at)) {
		if (at === target) return true;
		seen.add(at);
		at = parentOf.get(at);
	}
	return false;
}

export interface PlanSettingsInput {
	title: string;
	subtitle: string;
	kind: string;
	periodStart: number;
	periodEnd: number;
	levels: LevelNames;
	cardTemplate: TemplateInput[];
	parentPlanId: string | null;
}

export interface PlanSettings {
	title: string;
	subtitle: string | null;
	kind: string;
	periodStart: number;
	periodEnd: number;
	levels: LevelNames;
	cardTemplate: FieldDef[];
	parentPlanId: string | null;
}

/**
 * Saves a plan's settings in one transaction, or changes nothing and says why.
 * The caller checked the right (canEditPlan).
 */
export async function updatePlanSettings(db: Db, planId: string, input: PlanSettingsInput): Promise<SettingsOutcome<PlanSettings>> {
	return db.transaction().execute(async (trx) => {
		const plan = await trx
			.selectFrom('plans')
			.select(['id', 'region_id', 'card_template', 'kind'])
			.where('id', '=', planId)
			.executeTakeFirst();
		if (!plan) return { ok: false, error: 'parent_unknown' } as const;
		const title = checkTitle(input.title);
		if (!title.ok) return title;
		const subtitle = input.subtitle.trim();
		if (subtitle.length > TITLE_MAX) return { ok: false, error: 'subtitle_too_long' } as const;
		if (input.kind !== plan.kind && !(PLAN_KINDS as readonly string[]).includes(input.kind)) return { ok: false, error: 'bad_kind' } as const;
		const { periodStart, periodEnd } = input;
		if (!Number.isInteger(periodStart) || !Number.isInteger(periodEnd) || periodStart < 1990 || periodEnd > 2100 || periodEnd < periodStart) {
			return { ok: false, error: 'bad_period' } as const;
		}
		const levels = checkLevels(input.levels);
		if (!levels.ok) return levels;
		const template = checkCardTemplate(JSON.parse(plan.card_template) as FieldDef[], input.cardTemplate);
		if (!template.ok) return template;
		const parentPlanId = input.parentPlanId || null;
		if (parentPlanId) {
			const parent = await trx.selectFrom('plans').select(['region_id']).where('id', '=', parentPlanId).executeTakeFirst();
			if (!parent || parent.region_id !== plan.region_id) return { ok: false, error: 'parent_unknown' } as const;
			const rows = await trx.selectFrom('plans').select(['id', 'parent_plan_id']).where('region_id', '=', plan.region_id).execute();
			const parentOf = new Map(rows.map((r) => [r.id, r.parent_plan_id]));
			if (parentPlanId === planId || reaches(parentOf, parentPlanId, planId)) return { ok: false, error: 'parent_cycle' } as const;
		}
		const value: PlanSettings = {
			title: title.value,
			subtitle: subtitle || null,
			kind: input.kind,
			periodStart,
			periodEnd,
			levels: levels.value,
			cardTemplate: template.value,
			parentPlanId
		};
		await trx
			.updateTable('plans')
			.set({
				title: value.title,
				subtitle: value.subtitle,
				kind: value.kind,
				period_start: value.periodStart,
				period_end: value.periodEnd,
				levels: JSON.stringify(value.levels),
				card_template: JSON.stringify(value.cardTemplate),
				parent_plan_id: value.parentPlanId,
				updated_at: Date.now()
			})
			.where('id', '=', planId)
			.execute();
		return { ok: true, value } as const;
	});
}

import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canEditPlan } from '$lib/server/access';
import { recordAudit } from '$lib/server/audit';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { getPlanOutline, PLAN_KINDS } from '$lib/server/plan';
import { parentCandidates, updatePlanSettings, type SettingsError, type TemplateInput } from '$lib/server/plan-settings';
import {
	archiveChapter,
	archiveTheme,
	createChapter,
	moveChapter,
	moveTheme,
	moveThemeToChapter,
	renameChapter,
	renameTheme,
	renumberTheme,
	type StructureError
} from '$lib/server/structure';
import { getRuntime } from '$lib/server/runtime';
import { forbidden, readablePlan } from '$lib/route-helpers.server';
import { checkinSettings, checkinSettingsActions } from '$lib/checkin-actions.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** Plan editors only: strangers get 404 (readablePlan), readers of the region 403. */
async function editablePlan(locals: App.Locals, planId: string) {
	const found = await readablePlan(locals, planId);
	if (!canEditPlan(found.roles, found.plan)) forbidden();
	return found;
}

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { plan, roles } = await editablePlan(locals, params.planId);
	const { db } = getRuntime();
	const outline = (await getPlanOutline(db, plan.id, roles))!;
	return {
		plan: {
			id: plan.id,
			title: plan.title,
			subtitle: plan.subtitle,
			kind: plan.kind,
			periodStart: plan.periodStart,
			periodEnd: plan.periodEnd,
			levels: plan.levels,
			cardTemplate: plan.cardTemplate.map((f) => ({ key: f.key, label: f.label, hidden: f.hidden === true })),
			parentPlanId: plan.parentPlanId
		},
		kinds: PLAN_KINDS.includes(plan.kind as (typeof PLAN_KINDS)[number]) ? [...PLAN_KINDS] : [plan.kind, ...PLAN_KINDS],
		parents: await parentCandidates(db, plan.id),
		checkins: await checkinSettings(plan.id),
		chapters: outline.chapters.map((c) => ({
			id: c.id,
			title: c.title,
			themes: c.themes.map((t) => ({ id: t.id, number: t.number, title: t.title }))
		}))
	};
};

const settingsMessages: Record<SettingsError, (label?: string) => string> = {
	title_required: () => m.settings_error_title_required(),
	title_too_long: () => m.settings_error_title_too_long(),
	subtitle_too_long: () => m.settings_error_subtitle_too_long(),
	bad_kind: () => m.settings_error_bad_kind(),
	bad_period: () => m.settings_error_bad_period(),
	level_required: () => m.settings_error_level_required(),
	level_too_long: () => m.settings_error_level_too_long(),
	label_required: () => m.settings_error_label_required(),
	label_too_long: () => m.settings_error_label_too_long(),
	label_duplicate: (label) => m.settings_error_label_duplicate({ label: label ?? '' }),
	template_empty: () => m.settings_error_template_empty(),
	field_unknown: () => m.settings_error_fields_changed(),
	field_missing: () => m.settings_error_fields_changed(),
	parent_unknown: () => m.settings_error_parent_unknown(),
	parent_cycle: () => m.settings_error_parent_cycle()
};

const structureMessages: Record<StructureError, () => string> = {
	not_found: () => m.structure_error_not_found(),
	title_required: () => m.structure_error_title_required(),
	title_too_long: () => m.structure_error_title_too_long(),
	number_too_long: () => m.structure_error_number_too_long(),
	at_edge: () => m.structure_error_at_edge(),
	chapter_not_empty: () => m.structure_error_chapter_not_empty()
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max, () => m.validation_too_long()));
const Year = v.pipe(v.string(), v.trim(), v.regex(/^\d{4}$/, () => m.settings_error_bad_period()), v.transform(Number));
const Direction = v.picklist(['up', 'down']);

const SettingsSchema = v.object({
	title: Text(2000),
	subtitle: v.optional(Text(2000), ''),
	kind: Text(100),
	periodStart: Year,
	periodEnd: Year,
	chapter: Text(1000),
	chapterPlural: Text(1000),
	theme: Text(1000),
	themePlural: Text(1000),
	parentPlanId: v.optional(v.union([v.literal(''), Id]), '')
});

/** Reads field.<i>.key / .label / .hidden in the order of i. */
function templateFromForm(form: FormData): TemplateInput[] | null {
	const rows = new Map<number, TemplateInput>();
	for (const [name, value] of form) {
		const match = /^field\.(\d{1,3})\.(key|label|hidden)$/.exec(name);
		if (!match) continue;
		if (typeof value !== 'string' || value.length > 2000) return null;
		const i = Number(match[1]);
		const row = rows.get(i) ?? { key: '', label: '' };
		if (match[2] === 'key') row.key = value;
		else if (match[2] === 'label') row.label = value;
		else row.hidden = value === 'on' || value === 'true';
		rows.set(i, row);
	}
	if (rows.size > 60) return null;
	return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}

/** Runs one structure change for a plan editor and tells open pages. */
async function structureAction<T extends v.GenericSchema>(
	event: RequestEvent,
	schema: T,
	run: (data: v.InferOutput<T>, ctx: { planId: string; userId: string; regionId: string }) => Promise<{ ok: true } | { ok: false; error: StructureError }>,
	success: () => string
) {
	const { plan, user } = await editablePlan(event.locals, event.params.planId);
	const parsed = parseInput(schema, formToObject(await event.request.formData()), m.validation_bad_input());
	if (!parsed.ok) return fail(400, { message: parsed.message });
	const result = await run(parsed.data, { planId: plan.id, userId: user.id, regionId: plan.regionId });
	if (!result.ok) return fail(400, { message: structureMessages[result.error]() });
	publishPlanChange({ planId: plan.id, kind: 'structure' });
	return { saved: true, message: success() };
}

export const actions: Actions = {
	...checkinSettingsActions,
	save: async ({ request, params, locals }) => {
		const { plan, user } = await editablePlan(locals, params.planId);
		const form = await request.formData();
		const parsed = parseInput(SettingsSchema, formToObject(form), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const cardTemplate = templateFromForm(form);
		if (!cardTemplate) return fail(400, { message: m.validation_bad_input() });
		const d = parsed.data;
		const result = await updatePlanSettings(getRuntime().db, plan.id, {
			title: d.title,
			subtitle: d.subtitle,
			kind: d.kind,
			periodStart: d.periodStart,
			periodEnd: d.periodEnd,
			levels: { chapter: d.chapter, chapterPlural: d.chapterPlural, theme: d.theme, themePlural: d.themePlural },
			cardTemplate,
			parentPlanId: d.parentPlanId || null
		});
		if (!result.ok) return fail(400, { message: settingsMessages[result.error](result.label) });
		getRuntime().logger.info({ event: 'plan_settings_saved', user: user.id, plan: plan.id }, 'plan settings saved');
		publishPlanChange({ planId: plan.id, kind: 'structure' });
		return { saved: true, message: m.settings_saved() };
	},

	createChapter: (event) =>
		structureAction(
			event,
			v.object({ title: Text(2000) }),
			async (d, { planId }) => createChapter(getRuntime().db, planId, d.title),
			() => m.structure_created()
		),

	renameChapter: (event) =>
		structureAction(
			event,
			v.object({ chapterId: Id, title: Text(2000) }),
			(d, { planId }) => renameChapter(getRuntime().db, planId, d.chapterId, d.title),
			() => m.structure_saved()
		),

	moveChapter: (event) =>
		structureAction(
			event,
			v.object({ chapterId: Id, direction: Direction }),
			(d, { planId }) => moveChapter(getRuntime().db, planId, d.chapterId, d.direction),
			() => m.structure_moved()
		),

	archiveChapter: (event) =>
		structureAction(
			event,
			v.object({ chapterId: Id }),
			async (d, { planId, userId, regionId }) => {
				const { db } = getRuntime();
				return db.transaction().execute(async (trx) => {
					const r = await archiveChapter(trx, planId, d.chapterId, userId);
					if (r.ok) await audit(trx, event, regionId, 'chapter', d.chapterId, r.value.title);
					return r;
				});
			},
			() => m.structure_archived()
		),

	saveTheme: (event) =>
		structureAction(
			event,
			v.object({ themeId: Id, title: Text(2000), number: v.optional(Text(200), '') }),
			async (d, { planId }) => {
				const { db } = getRuntime();
				return db.transaction().execute(async (trx) => {
					const renamed = await renameTheme(trx, planId, d.themeId, d.title);
					if (!renamed.ok) return renamed;
					const numbered = await renumberTheme(trx, planId, d.themeId, d.number);
					if (!numbered.ok) throw new RollBack(numbered.error);
					return numbered;
				}).catch((e) => {
					if (e instanceof RollBack) return { ok: false as const, error: e.error };
					throw e;
				});
			},
			() => m.structure_saved()
		),

	moveTheme: (event) =>
		structureAction(
			event,
			v.object({ themeId: Id, direction: Direction }),
			(d, { planId }) => moveTheme(getRuntime().db, planId, d.themeId, d.direction),
			() => m.structure_moved()
		),

	moveThemeToChapter: (event) =>
		structureAction(
			event,
			v.object({ themeId: Id, chapterId: Id }),
			(d, { planId }) => moveThemeToChapter(getRuntime().db, planId, d.themeId, d.chapterId),
			() => m.structure_moved()
		),

	archiveTheme: (event) =>
		structureAction(
			event,
			v.object({ themeId: Id }),
			async (d, { planId, userId, regionId }) => {
				const { db } = getRuntime();
				return db.transaction().execute(async (trx) => {
					const r = await archiveTheme(trx, planId, d.themeId, userId);
					if (r.ok) await audit(trx, event, regionId, 'theme', d.themeId, r.value.title);
					return r;
				});
			},
			() => m.structure_archived()
		)
};

class RollBack extends Error {
	constructor(readonly error: StructureError) {
		super(error);
	}
}

async function audit(
	trx: Parameters<typeof recordAudit>[0],
	event: RequestEvent,
	regionId: string,
	type: 'chapter' | 'theme',
	id: string,
	label: string
) {
	const user = event.locals.user!;
	await recordAudit(trx, {
		action: 'archive.archived',
		actor: { id: user.id, name: user.name },
		regionId,
		object: { type, id, label },
		origin: event.getClientAddress()
	});
}

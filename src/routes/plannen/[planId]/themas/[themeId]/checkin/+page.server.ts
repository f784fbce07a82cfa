import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { STATUSES } from '$lib/action-doc';
import { m } from '$lib/paraglide/messages';
import { CHECKIN_TEXT_MAX, fileCheckin, listCheckins } from '$lib/server/checkin';
import { applyCheckinStatuses } from '$lib/server/checkin-apply';
import { publishUserChange } from '$lib/server/events';
import { parseInput } from '$lib/server/forms';
import { getPlanOutline } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const outline = await getPlanOutline(db, params.planId, roles);
	const theme = outline?.chapters.flatMap((c) => c.themes).find((t) => t.id === params.themeId);
	if (!outline || !theme) notFound();
	const checkins = (await listCheckins(db, { id: user.id, roles }, { planId: outline.plan.id, themeId: theme.id, limit: 50 })) ?? [];
	return {
		plan: { id: outline.plan.id, title: outline.plan.title, levels: outline.plan.levels },
		theme: { id: theme.id, title: theme.title, number: theme.number, actions: theme.actions.map((a) => ({ id: a.id, title: a.title, status: a.status, level: a.level })) },
		isAmbassador: roles.ambassadorOf.has(theme.id),
		checkins
	};
};

const Text = v.pipe(v.string(), v.trim(), v.maxLength(CHECKIN_TEXT_MAX, () => m.checkin_too_long()));
const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
const CheckinForm = v.object({
	happened: Text,
	next: Text,
	help: Text,
	statuses: v.pipe(v.record(Id, v.picklist(STATUSES, () => m.validation_bad_input())), v.check((r) => Object.keys(r).length <= 500, () => m.validation_bad_input()))
});

/** The form's fields: happened, next, help, and `status:<actionId>` per action. */
function formInput(form: FormData): Record<string, unknown> {
	const statuses: Record<string, unknown> = {};
	const out: Record<string, unknown> = { statuses };
	for (const [key, value] of form) {
		if (typeof value !== 'string') out[key] = value;
		else if (key.startsWith('status:')) statuses[key.slice(7)] = value;
		else out[key] = value;
	}
	return out;
}

export const actions: Actions = {
	file: async ({ request, params, locals }) => {
		const { db, logger, changeDocument } = getRuntime();
		const { user, roles } = await currentUser(locals);
		const parsed = parseInput(CheckinForm, formInput(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		if (!parsed.data.happened && !parsed.data.next && !parsed.data.help) return fail(400, { message: m.checkin_empty() });
		const result = await fileCheckin(db, { actor: { id: user.id, roles }, planId: params.planId, themeId: params.themeId, checkin: parsed.data });
		if (!result.ok) {
			logger.info({ event: 'checkin_refused', user: user.id, theme: params.themeId, reason: result.reason }, 'check-in refused');
			if (result.reason === 'forbidden') return fail(403, { message: m.checkin_not_ambassador() });
			if (result.reason === 'invalid') return fail(400, { message: m.validation_bad_input() });
			notFound();
		}
		await applyCheckinStatuses(db, { planId: params.planId, changes: result.changes, changeDocument });
		publishUserChange({ userId: user.id, kind: 'inbox' });
		logger.info({ event: 'checkin_filed', user: user.id, theme: params.themeId, statusChanges: result.changes.length }, 'check-in filed');
		return { ok: true, message: m.checkin_saved() };
	}
};

import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canEditPlan } from '$lib/server/access';
import { listArchive, restoreArchived, type RestoreError } from '$lib/server/archive';
import { recordAudit } from '$lib/server/audit';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { plan, roles } = await readablePlan(locals, params.planId);
	return {
		plan: { id: plan.id, title: plan.title, levels: plan.levels },
		archive: await listArchive(getRuntime().db, plan.id),
		canRestore: canEditPlan(roles, plan)
	};
};

const restoreMessages: Record<RestoreError, () => string> = {
	not_found: () => m.archive_error_not_found(),
	theme_archived: () => m.archive_error_theme_archived(),
	chapter_archived: () => m.archive_error_chapter_archived()
};

export const actions: Actions = {
	restore: async ({ request, params, locals, getClientAddress }) => {
		const { plan, roles, user } = await readablePlan(locals, params.planId);
		if (!canEditPlan(roles, plan)) return fail(403, { message: m.error_no_edit_right() });
		const parsed = parseInput(
			v.object({ kind: v.picklist(['chapter', 'theme', 'action']), id: v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/)) }),
			formToObject(await request.formData()),
			m.validation_bad_input()
		);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const { db, logger } = getRuntime();
		const result = await db.transaction().execute(async (trx) => {
			const r = await restoreArchived(trx, plan.id, parsed.data.kind, parsed.data.id);
			if (r.ok) {
				await recordAudit(trx, {
					action: 'archive.restored',
					actor: user,
					regionId: plan.regionId,
					object: { type: parsed.data.kind, id: parsed.data.id, label: r.title },
					origin: getClientAddress()
				});
			}
			return r;
		});
		if (!result.ok) return fail(400, { message: restoreMessages[result.error]() });
		logger.info({ event: 'archive_restored', user: user.id, kind: parsed.data.kind, id: parsed.data.id }, 'restored from archive');
		publishPlanChange({ planId: plan.id, kind: 'structure', id: parsed.data.id });
		return { restored: parsed.data.id, message: m.archive_restored({ title: result.title }) };
	}
};

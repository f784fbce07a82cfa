import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { META, STATUSES } from '$lib/action-doc';
import { docName } from '$lib/doc-name';
import { m } from '$lib/paraglide/messages';
import { canEditTheme } from '$lib/server/access';
import { getBoard, monthOf, parseBoardFilter, placeAction } from '$lib/server/board';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { getPlan } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, url, depends }) => {
	depends(`plan:${params.planId}`);
	const { user, roles } = await currentUser(locals);
	const board = await getBoard(getRuntime().db, {
		planId: params.planId,
		roles,
		userId: user.id,
		userName: user.name,
		filter: parseBoardFilter(url.searchParams),
		today: monthOf(new Date())
	});
	if (!board) notFound();
	return { board };
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
const MoveInput = v.object({
	actionId: Id,
	status: v.picklist(STATUSES),
	afterId: v.optional(v.union([v.literal(''), Id])),
	beforeId: v.optional(v.union([v.literal(''), Id]))
});

export const actions: Actions = {
	/**
	 * A card moved on the board: a new status (a change of the action's Yjs
	 * `meta`, so open action cards see it at once) and/or a new place among
	 * its theme's actions. The status column is written here too and the
	 * change published straight away, rather than after the collaboration
	 * server's debounced projection, so other open boards follow within
	 * milliseconds.
	 */
	move: async ({ request, params, locals }) => {
		const { db, logger, changeDocument } = getRuntime();
		const { user, roles } = await currentUser(locals);
		const parsed = parseInput(MoveInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const { actionId, status, afterId, beforeId } = parsed.data;
		const [plan, action] = await Promise.all([
			getPlan(db, params.planId),
			db
				.selectFrom('actions')
				.select(['id', 'plan_id', 'theme_id', 'status', 'title'])
				.where('id', '=', actionId)
				.where('archived_at', 'is', null)
				.executeTakeFirst()
		]);
		if (!plan || !action || action.plan_id !== plan.id) return fail(404, { message: m.validation_bad_input() });
		if (!canEditTheme(roles, plan, action.theme_id)) {
			logger.warn({ event: 'board_move_refused', user: user.id, action: actionId }, 'board move refused');
			return fail(403, { message: m.error_no_edit_right() });
		}
		let position: number | null = null;
		if (afterId || beforeId) {
			position = await placeAction(db, action.theme_id, { actionId, status, afterId: afterId || undefined, beforeId: beforeId || undefined });
			if (position === null) return fail(400, { message: m.validation_bad_input() });
		}
		if (status !== action.status) {
			await changeDocument(docName({ kind: 'action', id: actionId }), (doc) => doc.getMap(META).set('status', status));
		}
		await db
			.updateTable('actions')
			.set({ status, ...(position !== null ? { position } : {}), updated_at: Date.now() })
			.where('id', '=', actionId)
			.execute();
		publishPlanChange({ planId: plan.id, kind: 'action', id: actionId, status });
		logger.info({ event: 'board_move', user: user.id, action: actionId, from: action.status, to: status }, 'board move');
		return { moved: actionId, status };
	}
};

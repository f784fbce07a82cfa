import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { canEditPlan, canEditTheme, type UserRoles } from '$lib/server/access';
import type { Db } from '$lib/server/db';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { archiveAction, createAction, createTheme, getPlan, getPlanOutline, moveAction, moveActionToTheme } from '$lib/server/plan';
import { recordAudit } from '$lib/server/audit';
import { getRuntime } from '$lib/server/runtime';
import { countOpenThreads } from '$lib/server/thread';
import { openThemePassages } from '$lib/server/thread-passages';
import { currentUser, notFound } from '$lib/route-helpers.server';
import { pdfAvailable } from '$lib/document-export.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends(`plan:${params.planId}`);
	const { roles } = await currentUser(locals);
	const outline = await getPlanOutline(getRuntime().db, params.planId, roles);
	if (!outline) notFound();
	const { db } = getRuntime();
	const [threads, indicator, openPassages] = await Promise.all([
		countOpenThreads(db, params.planId),
		db.selectFrom('indicators').select('id').where('plan_id', '=', params.planId).limit(1).executeTakeFirst(),
		// passages of theme texts with open anchored threads, marked on the page
		openThemePassages(db, roles, params.planId)
	]);
	// open comment threads per theme and action (and the plan itself), keyed by id
	return { outline, openThreads: Object.fromEntries(threads), openPassages, hasIndicators: indicator !== undefined, pdfAvailable: await pdfAvailable() };
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
const Title = v.pipe(
	v.string(() => m.validation_title_required()),
	v.trim(),
	v.minLength(1, () => m.validation_title_required()),
	v.maxLength(300, () => m.validation_too_long())
);

/** Finds the action and checks the user may edit its theme; null when either fails. */
async function editableAction(db: Db, roles: UserRoles, planId: string, actionId: string) {
	const action = await db
		.selectFrom('actions')
		.select(['id', 'theme_id', 'plan_id', 'title'])
		.where('id', '=', actionId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!action || action.plan_id !== planId) return null;
	const plan = await getPlan(db, planId);
	if (!plan || !canEditTheme(roles, plan, action.theme_id)) return null;
	return { action, plan };
}

async function editableTheme(db: Db, roles: UserRoles, planId: string, themeId: string) {
	const theme = await db
		.selectFrom('themes')
		.select(['id', 'plan_id'])
		.where('id', '=', themeId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	const plan = await getPlan(db, planId);
	if (!theme || !plan || theme.plan_id !== planId || !canEditTheme(roles, plan, themeId)) return null;
	return { theme, plan };
}

const refused = () => fail(403, { message: m.error_no_edit_right() });

export const actions: Actions = {
	createAction: async ({ request, params, locals }) => {
		const { db, createDocument, logger } = getRuntime();
		const { user, roles } = await currentUser(locals);
		const parsed = parseInput(
			v.object({ themeId: Id, level: v.picklist(['regional', 'local'], () => m.validation_bad_input()), title: Title }),
			formToObject(await request.formData()),
			m.validation_bad_input()
		);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		if (!(await editableTheme(db, roles, params.planId, parsed.data.themeId))) return refused();
		const id = await createAction(db, { planId: params.planId, ...parsed.data }, createDocument);
		logger.info({ event: 'action_created', user: user.id, action: id }, 'action created');
		publishPlanChange({ planId: params.planId, kind: 'structure', id });
		return { created: id, message: m.action_created() };
	},

	move: async ({ request, params, locals }) => {
		const { db } = getRuntime();
		const { roles } = await currentUser(locals);
		const parsed = parseInput(
			v.object({ actionId: Id, direction: v.picklist(['up', 'down']) }),
			formToObject(await request.formData()),
			m.validation_bad_input()
		);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		if (!(await editableAction(db, roles, params.planId, parsed.data.actionId))) return refused();
		const moved = await moveAction(db, parsed.data.actionId, parsed.data.direction);
		if (moved) publishPlanChange({ planId: params.planId, kind: 'structure', id: parsed.data.actionId });
		return { moved: parsed.data.actionId, message: moved ? m.action_moved() : m.action_not_moved() };
	},

	moveToTheme: async ({ request, params, locals }) => {
		const { db } = getRuntime();
		const { roles } = await currentUser(locals);
		const parsed = parseInput(v.object({ actionId: Id, themeId: Id }), formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		if (!(await editableAction(db, roles, params.planId, parsed.data.actionId))) return refused();
		if (!(await editableTheme(db, roles, params.planId, parsed.data.themeId))) return refused();
		if (!(await moveActionToTheme(db, parsed.data.actionId, parsed.data.themeId))) return fail(400, { message: m.action_not_moved() });
		publishPlanChange({ planId: params.planId, kind: 'structure', id: parsed.data.actionId });
		return { moved: parsed.data.actionId, message: m.action_moved() };
	},

	archive: async ({ request, params, locals, getClientAddress }) => {
		const { db, logger } = getRuntime();
		const { user, roles } = await currentUser(locals);
		const parsed = parseInput(
			v.object({ actionId: Id, reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(1000, () => m.validation_too_long()))) }),
			formToObject(await request.formData()),
			m.validation_bad_input()
		);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const editable = await editableAction(db, roles, params.planId, parsed.data.actionId);
		if (!editable) return refused();
		await db.transaction().execute(async (trx) => {
			await archiveAction(trx, parsed.data.actionId, parsed.data.reason || null, user.id);
			// the reason is typed text: it stays on the action, never in the audit log
			await recordAudit(trx, {
				action: 'archive.archived',
				actor: user,
				regionId: editable.plan.regionId,
				object: { type: 'action', id: parsed.data.actionId, label: editable.action.title },
				origin: getClientAddress()
			});
		});
		logger.info({ event: 'action_archived', user: user.id, action: parsed.data.actionId }, 'action archived');
		publishPlanChange({ planId: params.planId, kind: 'structure', id: parsed.data.actionId });
		return { archived: parsed.data.actionId, message: m.action_archived() };
	},

	createTheme: async ({ request, params, locals }) => {
		const { db, createDocument } = getRuntime();
		const { roles } = await currentUser(locals);
		const parsed = parseInput(
			v.object({ chapterId: v.optional(v.union([v.literal(''), Id])), title: Title }),
			formToObject(await request.formData()),
			m.validation_bad_input()
		);
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const plan = await getPlan(db, params.planId);
		if (!plan) notFound();
		if (!canEditPlan(roles, plan)) return refused();
		let chapterId: string | null = parsed.data.chapterId || null;
		if (chapterId) {
			const chapter = await db.selectFrom('chapters').select('plan_id').where('id', '=', chapterId).executeTakeFirst();
			if (chapter?.plan_id !== plan.id) chapterId = null;
		}
		const id = await createTheme(db, { planId: plan.id, chapterId, title: parsed.data.title }, createDocument);
		publishPlanChange({ planId: plan.id, kind: 'structure', id });
		return { message: m.theme_created() };
	}
};

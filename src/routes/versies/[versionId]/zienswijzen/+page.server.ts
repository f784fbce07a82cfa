import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { decidingMunicipalities } from '$lib/server/adoption';
import { versionAccess } from '$lib/server/adoption-access';
import { publishPlanChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { addResponse, answerResponse, listResponses, removeResponse, RESPONSE_BODIES, RESPONSE_OUTCOMES, type ResponseError } from '$lib/server/responses';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const access = await versionAccess(db, roles, params.versionId);
	if (!access) notFound();
	const { plan, version } = access;
	const [responses, municipalities, themes, actions] = await Promise.all([
		listResponses(db, version.id),
		decidingMunicipalities(db, plan),
		db.selectFrom('themes').select(['id', 'number', 'title']).where('plan_id', '=', plan.id).where('archived_at', 'is', null).orderBy('position').execute(),
		db.selectFrom('actions').select(['id', 'theme_id', 'title']).where('plan_id', '=', plan.id).where('archived_at', 'is', null).orderBy('position').execute()
	]);
	return {
		version,
		plan: { id: plan.id, title: plan.title, themeWord: plan.levels.theme },
		responses,
		municipalities,
		targets: themes.map((t) => ({ ...t, actions: actions.filter((a) => a.theme_id === t.id).map((a) => ({ id: a.id, title: a.title })) })),
		canEdit: access.canEdit
	};
};

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));
const Text = (max: number, message: string) => v.pipe(v.string(), v.trim(), v.maxLength(max, message));
const Outcome = v.optional(v.union([v.literal(''), v.picklist(RESPONSE_OUTCOMES)]), '');
const AddInput = v.object({
	municipalityId: Id,
	body: v.picklist(RESPONSE_BODIES, m.response_error_body()),
	receivedOn: v.pipe(v.string(), v.trim(), v.regex(/^\d{4}-\d{2}-\d{2}$/, m.response_error_date())),
	text: v.pipe(Text(5000, m.response_error_text()), v.minLength(1, m.response_error_text())),
	targetIds: v.pipe(v.array(Id), v.minLength(1, m.response_error_no_target()), v.maxLength(50, m.validation_bad_input()))
});
const AnswerInput = v.object({
	responseId: Id,
	answer: Text(5000, m.response_error_answer_long()),
	outcome: Outcome,
	outcomeReason: v.optional(Text(2000, m.response_error_reason_long()), '')
});
const RemoveInput = v.object({ responseId: Id });

function errorMessage(error: ResponseError): string {
	if (error === 'foreign_target') return m.response_error_foreign_target();
	if (error === 'no_target') return m.response_error_no_target();
	if (error === 'bad_date') return m.response_error_date();
	if (error === 'reason_needed') return m.response_error_reason();
	if (error === 'answer_needed') return m.response_error_answer();
	if (error === 'not_in_region') return m.response_error_municipality();
	return m.validation_bad_input();
}

async function editable(locals: App.Locals, versionId: string) {
	const runtime = getRuntime();
	const { user, roles } = await currentUser(locals);
	const access = await versionAccess(runtime.db, roles, versionId);
	if (!access) return { refused: fail(404, { message: m.validation_bad_input() }) } as const;
	if (!access.canEdit) {
		runtime.logger.warn({ event: 'response_refused', user: user.id, version: access.version.id }, 'council response change refused');
		return { refused: fail(403, { message: m.adoption_error_rights() }) } as const;
	}
	return { access, user } as const;
}

export const actions: Actions = {
	add: async ({ request, params, locals }) => {
		const found = await editable(locals, params.versionId);
		if ('refused' in found) return found.refused;
		const form = await request.formData();
		const input = { ...formToObject(form), targetIds: form.getAll('targetIds').filter((x) => typeof x === 'string') };
		const parsed = parseInput(AddInput, input, m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		const { db, logger } = getRuntime();
		const result = await addResponse(db, { ...parsed.data, versionId: found.access.version.id, userId: found.user.id });
		if (!result.ok) return fail(400, { message: errorMessage(result.error) });
		logger.info({ event: 'response_added', user: found.user.id, version: found.access.version.id, response: result.id }, 'council response added');
		publishPlanChange({ planId: found.access.plan.id, kind: 'structure' });
		return { ok: true, message: m.response_added() };
	},
	answer: async ({ request, params, locals }) => {
		const found = await editable(locals, params.versionId);
		if ('refused' in found) return found.refused;
		const parsed = parseInput(AnswerInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message, responseId: null });
		const d = parsed.data;
		const result = await answerResponse(getRuntime().db, {
			versionId: found.access.version.id,
			responseId: d.responseId,
			answer: d.answer,
			outcome: d.outcome === '' ? null : d.outcome,
			outcomeReason: d.outcomeReason
		});
		if (!result.ok) return fail(400, { message: errorMessage(result.error), responseId: d.responseId });
		getRuntime().logger.info({ event: 'response_answered', user: found.user.id, response: d.responseId }, 'council response answered');
		return { ok: true, message: m.response_answered(), responseId: d.responseId };
	},
	remove: async ({ request, params, locals }) => {
		const found = await editable(locals, params.versionId);
		if ('refused' in found) return found.refused;
		const parsed = parseInput(RemoveInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		if (!(await removeResponse(getRuntime().db, found.access.version.id, parsed.data.responseId))) return fail(400, { message: m.validation_bad_input() });
		return { ok: true, message: m.response_removed() };
	}
};

import { fail, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { memberErrorResponse } from '$lib/member-messages.server';
import { formToObject, parseInput } from '$lib/server/forms';
import { ambassadorCandidates, assignAmbassador, canSetAmbassadors, listThemeAmbassadors, removeAmbassador } from '$lib/server/members';
import { getRuntime } from '$lib/server/runtime';
import { readablePlan } from '$lib/route-helpers.server';

/**
 * A theme page's ambassadors: who they are (and who has no account), and —
 * for region admins and editors of the plan — the forms to name and remove
 * them. The rights are checked again in the domain functions.
 */
export async function themeAmbassadors(userId: string, themeId: string) {
	const { db } = getRuntime();
	const [list, rights] = await Promise.all([listThemeAmbassadors(db, themeId), canSetAmbassadors(db, userId, themeId)]);
	if (!rights.allowed || !rights.regionId) return { list, canEdit: false as const, candidates: [], municipalities: [] };
	const [candidates, municipalities] = await Promise.all([
		ambassadorCandidates(db, rights.regionId, themeId),
		db.selectFrom('municipalities').select(['id', 'name']).where('region_id', '=', rights.regionId).orderBy('name').execute()
	]);
	return { list, canEdit: true as const, candidates, municipalities };
}

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/, () => m.validation_bad_input()));
const Text = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max, () => m.validation_too_long()));
const AddInput = v.union([
	v.object({ kind: v.literal('member'), userId: Id }),
	v.object({
		kind: v.literal('person'),
		name: v.pipe(Text(100), v.minLength(1, () => m.members_ambassador_error_person())),
		municipalityId: v.union([v.literal(''), Id]),
		organisation: Text(150)
	})
]);
const RemoveInput = v.object({ userId: Id });

function refused(error: Parameters<typeof memberErrorResponse>[0]) {
	getRuntime().logger.info({ event: 'ambassador_change_refused', reason: error }, 'ambassador change refused');
	if (error === 'forbidden') return fail(403, { ambassadorMessage: m.members_ambassador_forbidden(), ambassadorOk: false });
	const { status, message } = memberErrorResponse(error);
	return fail(status, { ambassadorMessage: message, ambassadorOk: false });
}

export const ambassadorActions = {
	addAmbassador: async (event: RequestEvent<{ planId: string; themeId: string }>) => {
		// 404 for a plan the user may not even read; the right to change is checked in the domain.
		const { user } = await readablePlan(event.locals, event.params.planId);
		const parsed = parseInput(AddInput, formToObject(await event.request.formData()), m.members_ambassador_error_person());
		if (!parsed.ok) return fail(400, { ambassadorMessage: parsed.message, ambassadorOk: false });
		const input = parsed.data;
		if (input.kind === 'person' && !input.municipalityId && !input.organisation) {
			return fail(400, { ambassadorMessage: m.members_ambassador_error_person(), ambassadorOk: false });
		}
		const ambassador =
			input.kind === 'member'
				? ({ kind: 'member', userId: input.userId } as const)
				: ({ kind: 'person', name: input.name, municipalityId: input.municipalityId || null, organisation: input.organisation || null } as const);
		const result = await assignAmbassador(getRuntime().db, { actor: { id: user.id, name: user.name }, origin: event.getClientAddress() }, { themeId: event.params.themeId, ambassador });
		if (!result.ok) return refused(result.error);
		getRuntime().recheckUser(result.value);
		const name = (await getRuntime().db.selectFrom('users').select('name').where('id', '=', result.value).executeTakeFirst())?.name ?? '';
		return { ambassadorMessage: m.members_ambassador_added({ name }), ambassadorOk: true };
	},
	removeAmbassador: async (event: RequestEvent<{ planId: string; themeId: string }>) => {
		// 404 for a plan the user may not even read; the right to change is checked in the domain.
		const { user } = await readablePlan(event.locals, event.params.planId);
		const parsed = parseInput(RemoveInput, formToObject(await event.request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { ambassadorMessage: parsed.message, ambassadorOk: false });
		const result = await removeAmbassador(getRuntime().db, { actor: { id: user.id, name: user.name }, origin: event.getClientAddress() }, { themeId: event.params.themeId, userId: parsed.data.userId });
		if (!result.ok) return refused(result.error);
		getRuntime().recheckUser(parsed.data.userId);
		return { ambassadorMessage: m.members_ambassador_removed(), ambassadorOk: true };
	}
};

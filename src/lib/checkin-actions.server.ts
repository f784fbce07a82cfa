import { fail, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { RHYTHMS, setRhythm, startRoundNow, themeCheckinStates, getRhythm, listRounds } from '$lib/server/checkin';
import { publishInboxChanges } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';

/**
 * The plan settings' check-in part (rhythm, a round by hand), as form
 * actions the settings page spreads into its own. Results carry
 * `checkinMessage`/`checkinOk`, so the page's own message stays its own.
 */
const RhythmInput = v.object({ rhythm: v.picklist(RHYTHMS, () => m.validation_bad_input()) });

type Event = RequestEvent<{ planId: string }>;

async function refused(reason: 'not_found' | 'forbidden' | 'invalid') {
	if (reason === 'not_found') notFound();
	return fail(reason === 'forbidden' ? 403 : 400, { checkinMessage: reason === 'forbidden' ? m.checkin_settings_forbidden() : m.validation_bad_input(), checkinOk: false });
}

export const checkinSettingsActions = {
	checkinRhythm: async ({ request, params, locals }: Event) => {
		const { db, logger } = getRuntime();
		const { user, roles } = await currentUser(locals);
		const parsed = parseInput(RhythmInput, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { checkinMessage: parsed.message, checkinOk: false });
		const result = await setRhythm(db, { actor: { id: user.id, roles }, planId: params.planId, rhythm: parsed.data.rhythm });
		if (!result.ok) return refused(result.reason);
		publishInboxChanges(result.asked);
		logger.info({ event: 'checkin_rhythm_set', user: user.id, plan: params.planId, rhythm: parsed.data.rhythm, asked: result.asked.length }, 'check-in rhythm set');
		return { checkinMessage: m.checkin_rhythm_saved({ count: result.asked.length }), checkinOk: true };
	},
	checkinRound: async ({ params, locals }: Event) => {
		const { db, logger } = getRuntime();
		const { user, roles } = await currentUser(locals);
		const result = await startRoundNow(db, { actor: { id: user.id, roles }, planId: params.planId });
		if (!result.ok) return refused(result.reason);
		publishInboxChanges(result.asked);
		logger.info({ event: 'checkin_round_started', user: user.id, plan: params.planId, asked: result.asked.length }, 'check-in round started');
		return { checkinMessage: m.checkin_round_started({ count: result.asked.length }), checkinOk: true };
	}
};

/** What the settings component shows: the rhythm, the last rounds and each theme's state. */
export async function checkinSettings(planId: string) {
	const { db } = getRuntime();
	const [rhythm, rounds, themes] = await Promise.all([getRhythm(db, planId), listRounds(db, planId, 3), themeCheckinStates(db, planId)]);
	return { rhythm, lastRoundAt: rounds[0]?.startedAt ?? null, themes };
}

import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { CLIENT_DATA_KINDS } from '$lib/client-data';
import { m } from '$lib/paraglide/messages';
import { CLIENT_DATA_SOURCES, recordClientDataWarning } from '$lib/server/client-data-audit';
import { parseInput } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { badInput, readJson } from '$lib/thread-api.server';
import { currentUser } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** Only a kind and a count (and where): an extra field such as the found text is refused, not ignored. */
const Report = v.strictObject({
	kind: v.picklist(CLIENT_DATA_KINDS),
	count: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)),
	source: v.picklist(CLIENT_DATA_SOURCES),
	planId: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/))), null)
});

/**
 * POST `{ kind, count, source, planId? }`: the client-data guard showed a
 * warning. Signed-in only; 202 when counted, 429 over the hourly limit.
 */
export const POST: RequestHandler = async ({ locals, request, getClientAddress }) => {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const parsed = parseInput(Report, await readJson(request), m.validation_bad_input());
	if (!parsed.ok) return badInput(m.validation_bad_input());
	const ok = await recordClientDataWarning(db, {
		user: { id: user.id, name: user.name, roles },
		report: { ...parsed.data, planId: parsed.data.planId ?? null },
		origin: getClientAddress()
	});
	if (!ok) return json({ message: m.client_data_too_many() }, { status: 429 });
	return json({ counted: true }, { status: 202 });
};

import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { publishUserChange } from '$lib/server/events';
import { formToObject, parseInput } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { listInbox, markRead } from '$lib/server/inbox';
import { currentUser } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, depends }) => {
	depends('kring:inbox');
	const { user, roles } = await currentUser(locals);
	return { notifications: await listInbox(getRuntime().db, { id: user.id, roles }) };
};

const One = v.object({ id: v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/)) });

export const actions: Actions = {
	read: async ({ locals, request }) => {
		const { user } = await currentUser(locals);
		const parsed = parseInput(One, formToObject(await request.formData()), m.validation_bad_input());
		if (!parsed.ok) return fail(400, { message: parsed.message });
		await markRead(getRuntime().db, user.id, [parsed.data.id]);
		publishUserChange({ userId: user.id, kind: 'inbox' });
		return { message: m.inbox_mark_read() };
	},
	readAll: async ({ locals }) => {
		const { user } = await currentUser(locals);
		await markRead(getRuntime().db, user.id, 'all');
		publishUserChange({ userId: user.id, kind: 'inbox' });
		return { message: m.inbox_all_read() };
	}
};

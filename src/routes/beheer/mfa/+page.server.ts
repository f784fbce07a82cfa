import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { formToObject, parseInput } from '$lib/server/forms';
import { resetMfa } from '$lib/server/mfa';
import { getRuntime } from '$lib/server/runtime';
import { getUserByEmail } from '$lib/server/user';
import type { Actions, PageServerLoad } from './$types';

/** The instance admin turns off someone's MFA (lost phone and recovery codes). 403 for everyone else. */
async function requireInstanceAdmin(userId: string): Promise<void> {
	const row = await getRuntime().db.selectFrom('users').select('instance_admin').where('id', '=', userId).executeTakeFirst();
	if (row?.instance_admin !== 1) error(403, m.mfa_admin_forbidden());
}

const ResetInput = v.object({
	email: v.pipe(
		v.string(() => m.validation_email()),
		v.trim(),
		v.maxLength(254, () => m.validation_too_long()),
		v.email(() => m.validation_email())
	)
});

export const load: PageServerLoad = async ({ locals }) => {
	await requireInstanceAdmin(locals.user!.id);
	return {};
};

export const actions: Actions = {
	resetMfa: async ({ request, locals, getClientAddress }) => {
		const { db, logger } = getRuntime();
		const actor = locals.user!;
		const parsed = parseInput(ResetInput, formToObject(await request.formData()), m.validation_email());
		if (!parsed.ok) return fail(400, { message: parsed.message, errors: parsed.errors, email: '' });
		const { email } = parsed.data;
		const user = await getUserByEmail(db, email);
		const result = user
			? await resetMfa(db, { actorId: actor.id, userId: user.id, origin: getClientAddress() })
			: ({ ok: false, problem: 'not_found' } as const);
		if (!result.ok) {
			if (result.problem === 'forbidden') {
				logger.warn({ event: 'mfa_reset_refused', user: actor.id }, 'MFA reset refused');
				return fail(403, { message: m.mfa_admin_forbidden(), errors: {}, email });
			}
			const message = result.problem === 'not_found' ? m.mfa_admin_not_found() : m.mfa_admin_not_enabled();
			return fail(result.problem === 'not_found' ? 404 : 400, { message, errors: { email: message }, email });
		}
		logger.info({ event: 'mfa_reset', user: actor.id, target: user!.id }, 'MFA reset by instance admin');
		return { success: true, message: m.mfa_admin_done({ name: user!.name }), email: '' };
	}
};

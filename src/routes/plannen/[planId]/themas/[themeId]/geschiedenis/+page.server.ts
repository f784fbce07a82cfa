import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { formToObject } from '$lib/server/forms';
import { historySubject, loadHistoryPage, restoreFromForm, type RestoreFormResult } from '$lib/server/history-page';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

async function subjectOf(locals: App.Locals, params: { planId: string; themeId: string }) {
	const { user, roles } = await currentUser(locals);
	const subject = await historySubject(getRuntime().db, roles, {
		planId: params.planId,
		kind: 'theme',
		id: params.themeId,
		introLabel: m.history_intro_field()
	});
	if (!subject) notFound();
	return { user, subject };
}

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const { subject } = await subjectOf(locals, params);
	const { db, readDocument } = getRuntime();
	const page = await loadHistoryPage(db, subject, { version: url.searchParams.get('versie'), readDocument });
	const { planId, planTitle, title, backHref, kind } = subject;
	return { subject: { planId, planTitle, title, backHref, kind }, ...page };
};

const errors: Record<Exclude<RestoreFormResult, { ok: true }>['error'], { status: number; message: () => string }> = {
	bad_input: { status: 400, message: () => m.validation_bad_input() },
	forbidden: { status: 403, message: () => m.history_error_forbidden() },
	archived: { status: 409, message: () => m.history_error_archived() },
	gone: { status: 404, message: () => m.history_error_gone() }
};

export const actions: Actions = {
	restore: async ({ request, params, locals }) => {
		const { user, subject } = await subjectOf(locals, params);
		const { db, logger, changeDocument } = getRuntime();
		const result = await restoreFromForm(db, subject, { form: formToObject(await request.formData()), author: user.id, changeDocument });
		if (!result.ok) return fail(errors[result.error].status, { message: errors[result.error].message() });
		logger.info({ event: 'history_restored', user: user.id, doc: subject.target.name, field: result.field }, 'history version restored');
		const label = result.field === null ? null : subject.fields.find((f) => f.key === result.field)?.label;
		return { restored: true, message: label ? m.history_restored_field({ field: label }) : m.history_restored_all() };
	}
};

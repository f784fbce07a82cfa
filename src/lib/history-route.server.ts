import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { formToObject } from '$lib/server/forms';
import { historySubject, loadHistoryPage, restoreFromForm, type HistorySubject, type RestoreFormResult } from '$lib/server/history-page';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';

/**
 * The Geschiedenis page of a card, a theme or the introduction: one load and
 * one restore action, given which document the route's parameters name.
 */
type Params = Record<string, string>;

const errors: Record<Exclude<RestoreFormResult, { ok: true }>['error'], { status: number; message: () => string }> = {
	bad_input: { status: 400, message: () => m.validation_bad_input() },
	forbidden: { status: 403, message: () => m.history_error_forbidden() },
	archived: { status: 409, message: () => m.history_error_archived() },
	gone: { status: 404, message: () => m.history_error_gone() }
};

export function historyRoute(kind: HistorySubject['kind'], idOf: (params: Params) => string) {
	async function subjectOf(locals: App.Locals, params: Params) {
		const { user, roles } = await currentUser(locals);
		const subject = await historySubject(getRuntime().db, roles, { planId: params.planId, kind, id: idOf(params), introLabel: m.history_intro_field() });
		if (!subject) notFound();
		return { user, subject };
	}

	return {
		async load({ params, locals, url }: { params: Params; locals: App.Locals; url: URL }) {
			const { subject } = await subjectOf(locals, params);
			const { db, readDocument } = getRuntime();
			const page = await loadHistoryPage(db, subject, { version: url.searchParams.get('versie'), readDocument });
			const { planId, planTitle, title, backHref } = subject;
			return { subject: { planId, planTitle, title, backHref, kind: subject.kind }, ...page };
		},
		actions: {
			async restore({ request, params, locals }: { request: Request; params: Params; locals: App.Locals }) {
				const { user, subject } = await subjectOf(locals, params);
				const { db, logger, changeDocument } = getRuntime();
				const result = await restoreFromForm(db, subject, { form: formToObject(await request.formData()), author: user.id, changeDocument });
				if (!result.ok) return fail(errors[result.error].status, { message: errors[result.error].message() });
				logger.info({ event: 'history_restored', user: user.id, doc: subject.target.name, field: result.field }, 'history version restored');
				const label = result.field === null ? null : subject.fields.find((f) => f.key === result.field)?.label;
				return { restored: true, message: label ? m.history_restored_field({ field: label }) : m.history_restored_all() };
			}
		}
	};
}

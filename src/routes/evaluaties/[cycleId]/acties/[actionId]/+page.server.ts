import { redirect } from '@sveltejs/kit';
import { loadCycleContext } from '$lib/review-context.server';
import { preparationList, saveReviewAction } from '$lib/review-prep.server';
import { m } from '$lib/paraglide/messages';
import { notFound } from '$lib/route-helpers.server';
import type { Actions, PageServerLoad } from './$types';

/** Where previous/next go from `actionId`: the list as the preparation page shows it (with ?mijn=1 when walking my actions). */
async function neighbours(ctx: Awaited<ReturnType<typeof loadCycleContext>>, url: URL, actionId: string) {
	const list = await preparationList(ctx, url);
	const action = list.all.find((a) => a.id === actionId);
	if (!action) return null;
	// an action outside "mine" (opened from elsewhere) walks the whole list
	const walk = list.rows.some((a) => a.id === actionId) ? list.rows : list.all;
	const index = walk.findIndex((a) => a.id === actionId);
	return { list, walk, action, index, onlyMine: walk === list.rows && list.onlyMine };
}

export const load: PageServerLoad = async ({ params, locals, depends, url }) => {
	depends(`review:${params.cycleId}`);
	const ctx = await loadCycleContext(locals, params.cycleId);
	const found = await neighbours(ctx, url, params.actionId);
	if (!found) notFound();
	const { walk, action, index, onlyMine } = found;
	const link = (a: (typeof walk)[number] | undefined) => (a ? { id: a.id, title: a.title } : null);
	const savedId = url.searchParams.get('opgeslagen');
	const saved = savedId ? found.list.all.find((a) => a.id === savedId) : undefined;
	return {
		cycle: ctx.cycle,
		plan: { id: ctx.plan.id, title: ctx.plan.title },
		action,
		position: index + 1,
		total: walk.length,
		done: walk.filter((a) => a.review).length,
		prev: link(walk[index - 1]),
		next: link(walk[index + 1]),
		onlyMine,
		savedMessage: saved ? m.evalprep_saved_named({ title: saved.title }) : null
	};
};

export const actions: Actions = {
	save: async ({ request, params, locals, url }) => {
		const form = await request.formData();
		const saved = await saveReviewAction(locals, params.cycleId, form);
		if ('failure' in saved) return saved.failure;
		if (form.get('then') === 'next') {
			const found = await neighbours(saved.ctx, url, saved.action.id);
			const next = found?.walk[found.index + 1];
			const mine = found?.onlyMine ? '&mijn=1' : '';
			if (next) redirect(303, `/evaluaties/${params.cycleId}/acties/${next.id}?opgeslagen=${saved.action.id}${mine}`);
		}
		return { saved: saved.action.id, message: m.review_saved() };
	}
};

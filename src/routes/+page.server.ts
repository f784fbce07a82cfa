import { loadUserRoles } from '$lib/server/access';
import { listMunicipalityAdoptions, listMyRegionRoles, listMyThemes, sharedThemePlural } from '$lib/server/home';
import { listMyMunicipalities } from '$lib/server/membership';
import { listPlans } from '$lib/server/plan';
import { planWordsById } from '$lib/server/plan-words';
import { listMyReviewTasks } from '$lib/server/reminder';
import { listMyOpenThreads } from '$lib/server/thread';
import { getRuntime } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { db } = getRuntime();
	const user = locals.user!;
	const roles = await loadUserRoles(db, user.id);
	const reader = { id: user.id, roles };
	const [{ regions, roleNames }, municipalities, plans, themes, reviewTasks, threads] = await Promise.all([
		listMyRegionRoles(db, user.id),
		listMyMunicipalities(db, user.id),
		listPlans(db, roles),
		listMyThemes(db, user.id),
		listMyReviewTasks(db, reader),
		listMyOpenThreads(db, reader)
	]);
	const [municipalityActions, threadWords] = await Promise.all([
		Promise.all(municipalities.map(async (mu) => ({ municipality: mu, actions: await listMunicipalityAdoptions(db, mu.id) }))),
		planWordsById(db, threads.map((t) => t.planId))
	]);
	return {
		// each region with the strongest role the user holds there (an ambassador is named as one, not as lezer)
		regions,
		roleNames,
		municipalities,
		plans,
		themes,
		themesPlural: sharedThemePlural(themes),
		municipalityActions,
		reviewTasks,
		// what the home list shows of a thread: no comment text beyond the first line
		threads: threads.map((t) => ({
			id: t.id,
			planId: t.planId,
			target: t.target,
			words: threadWords.get(t.planId) ?? null,
			first: t.comments[0]?.body ?? '',
			replies: Math.max(0, t.comments.length - 1),
			lastActivity: Math.max(t.updatedAt, ...t.comments.map((c) => c.editedAt ?? c.createdAt))
		}))
	};
};

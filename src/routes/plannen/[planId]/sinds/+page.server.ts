import { checkinDigest } from '$lib/server/checkin';
import { getRuntime } from '$lib/server/runtime';
import { notFound, readablePlan } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

const DAY = 86_400_000;

/** 'YYYY-MM-DD' → the start of that day in Amsterdam (close enough: midnight UTC minus two hours covers summer time); null when not a real date. */
function parseDay(value: string | null): number | null {
	if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
	const at = Date.parse(`${value}T00:00:00Z`);
	if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== value) return null;
	return at - 2 * 3_600_000;
}

function dayOf(ms: number): string {
	return new Date(ms + 2 * 3_600_000).toISOString().slice(0, 10);
}

export const load: PageServerLoad = async ({ params, locals, url, depends }) => {
	depends(`plan:${params.planId}`);
	const { plan, roles, user } = await readablePlan(locals, params.planId);
	const { db } = getRuntime();
	const asked = url.searchParams.get('vanaf');
	const chosen = parseDay(asked);
	const now = Date.now();
	// by default four weeks: a werkgroep that meets monthly sees everything since its last meeting
	let since = chosen ?? parseDay(dayOf(now - 28 * DAY))!;
	if (since > now) since = parseDay(dayOf(now))!;
	const digest = await checkinDigest(db, { id: user.id, roles }, { planId: plan.id, since });
	if (!digest) notFound();
	return {
		plan: { id: plan.id, title: plan.title, levels: plan.levels },
		since,
		sinceDay: dayOf(since),
		today: dayOf(now),
		badDate: asked !== null && chosen === null,
		digest
	};
};

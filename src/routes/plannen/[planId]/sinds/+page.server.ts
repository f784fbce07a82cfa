import { checkinDigest } from '$lib/server/checkin';
import { getRuntime } from '$lib/server/runtime';
import { notFound, readablePlan } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

const DAY = 86_400_000;

const ZONE = 'Europe/Amsterdam';
const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, timeZoneName: 'shortOffset' });
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Amsterdam's offset from UTC at a moment, in ms ('GMT+1' → 3 600 000). */
function offsetAt(ms: number): number {
	const name = offsetFormat.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
	const match = /GMT([+-]\d{1,2})(?::(\d{2}))?/.exec(name);
	return match ? (Number(match[1]) * 60 + Math.sign(Number(match[1])) * Number(match[2] ?? 0)) * 60_000 : 0;
}

/** 'YYYY-MM-DD' → the moment that day starts in Amsterdam; null when not a real date. */
function parseDay(value: string | null): number | null {
	if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
	const utc = Date.parse(`${value}T00:00:00Z`);
	if (Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== value) return null;
	return utc - offsetAt(utc - offsetAt(utc));
}

/** The Amsterdam day of a moment, as 'YYYY-MM-DD'. */
function dayOf(ms: number): string {
	return dayFormat.format(new Date(ms));
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

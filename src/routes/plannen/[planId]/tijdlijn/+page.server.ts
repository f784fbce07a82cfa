import { getBoard, monthOf, parseBoardFilter } from '$lib/server/board';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { PageServerLoad } from './$types';

/** The timeline reads the same filters as the board, plus `schaal` (maanden|kwartalen). */
export const load: PageServerLoad = async ({ params, locals, url, depends }) => {
	depends(`plan:${params.planId}`);
	const { user, roles } = await currentUser(locals);
	const now = new Date();
	const board = await getBoard(getRuntime().db, {
		planId: params.planId,
		roles,
		userId: user.id,
		userName: user.name,
		filter: parseBoardFilter(url.searchParams),
		today: monthOf(now)
	});
	if (!board) notFound();
	const asked = url.searchParams.get('schaal');
	const years = board.options.years.length;
	const scale: 'months' | 'quarters' = asked === 'maanden' ? 'months' : asked === 'kwartalen' ? 'quarters' : years > 3 ? 'quarters' : 'months';
	const day = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', day: 'numeric' }).format(now));
	return { board, scale, todayDay: day };
};

import { historyRoute } from '$lib/history-route.server';
import type { Actions, PageServerLoad } from './$types';

const route = historyRoute('action', (params) => params.actionId);

export const load: PageServerLoad = route.load;
export const actions: Actions = route.actions;

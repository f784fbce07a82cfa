import { error } from '@sveltejs/kit';
import { canReadRegion, loadUserRoles, type UserRoles } from '$lib/server/access';
import { getPlan, type PlanRow } from '$lib/server/plan';
import { getRuntime } from '$lib/server/runtime';

/** The signed-in user (the hook already sent everyone else to /login) and their roles. */
export async function currentUser(locals: App.Locals): Promise<{ user: NonNullable<App.Locals['user']>; roles: UserRoles }> {
	const user = locals.user;
	if (!user) error(401, 'Je bent niet ingelogd.');
	return { user, roles: await loadUserRoles(getRuntime().db, user.id) };
}

/** 404 for what does not exist and for what the user may not see: no existence leaks. */
export function notFound(): never {
	error(404, 'Niet gevonden');
}

export function forbidden(): never {
	error(403, 'Je hebt hiervoor geen rechten.');
}

/** A plan the signed-in user may read (any role in its region), with their roles; 404 otherwise. */
export async function readablePlan(
	locals: App.Locals,
	planId: string
): Promise<{ plan: PlanRow; roles: UserRoles; user: NonNullable<App.Locals['user']> }> {
	const { user, roles } = await currentUser(locals);
	const plan = await getPlan(getRuntime().db, planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) notFound();
	return { plan, roles, user };
}

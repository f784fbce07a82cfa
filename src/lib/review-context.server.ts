import { canReadRegion } from '$lib/server/access';
import { getPlan, type PlanRow } from '$lib/server/plan';
import { getVersion } from '$lib/server/version';
import { m } from '$lib/paraglide/messages';
import { cycleAccess, getCycle, type CycleAccess, type CycleRow, type RuleError } from '$lib/server/review';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';

export interface CycleContext {
	user: NonNullable<App.Locals['user']>;
	roles: Awaited<ReturnType<typeof currentUser>>['roles'];
	cycle: CycleRow;
	plan: PlanRow;
	access: CycleAccess;
}

/** A review cycle with its plan and the user's rights on it; 404 when it does not exist or the user may not read it. */
export async function loadCycleContext(locals: App.Locals, cycleId: string): Promise<CycleContext> {
	const context = await findCycleContext(locals, cycleId);
	if (!context) notFound();
	return context;
}

/** As loadCycleContext, but null instead of a 404 (for form actions, which answer with fail()). */
export async function findCycleContext(locals: App.Locals, cycleId: string): Promise<CycleContext | null> {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	if (!/^[a-z0-9]{1,40}$/.test(cycleId)) return null;
	const cycle = await getCycle(db, cycleId);
	if (!cycle) return null;
	const plan = await getPlan(db, cycle.planId);
	if (!plan) return null;
	const access = cycleAccess(roles, plan, cycle, user.id);
	if (!access.read) return null;
	return { user, roles, cycle, plan, access };
}

/** The Dutch message for a refused step of the cycle. */
export function ruleMessage(error: RuleError, missing?: string[]): string {
	if (error === 'already_closed') return m.review_error_already_closed();
	if (error === 'undecided') return m.review_error_undecided({ count: missing?.length ?? 0 });
	if (error === 'not_draft') return m.review_error_not_draft();
	if (error === 'plan_changed') return m.evalprep_close_changed();
	return m.review_error_not_open();
}

/** A frozen version with its plan; 404 when it does not exist or the user may not read the plan's region. */
export async function loadVersionContext(locals: App.Locals, versionId: string) {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	if (!/^[a-z0-9]{1,40}$/.test(versionId)) notFound();
	const version = await getVersion(db, versionId);
	if (!version) notFound();
	const plan = await db.selectFrom('plans').select(['id', 'title', 'region_id']).where('id', '=', version.planId).executeTakeFirst();
	if (!plan || !canReadRegion(roles, plan.region_id)) notFound();
	return { version, plan: { id: plan.id, title: plan.title, regionId: plan.region_id }, user, isAdmin: roles.regionRoles.get(plan.region_id) === 'admin' };
}

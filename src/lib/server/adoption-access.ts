import { canEditPlan, canReadRegion, type UserRoles } from './access.ts';
import type { Db } from './db.ts';
import { getPlan, type PlanRow } from './plan.ts';

/**
 * Who may do what with a version's decisions and responses: everyone who may
 * read the plan's region reads them; the plan's editors and the region's
 * admins record decisions, responses, answers and the yearly focus.
 */
export interface VersionAccess {
	version: { id: string; label: string; planId: string; cycleId: string | null; adoptedAt: number; createdAt: number };
	plan: PlanRow;
	canEdit: boolean;
}

export async function versionAccess(db: Db, roles: UserRoles, versionId: string): Promise<VersionAccess | null> {
	if (!/^[a-z0-9]{1,40}$/.test(versionId)) return null;
	const version = await db
		.selectFrom('plan_versions')
		.select(['id', 'label', 'plan_id as planId', 'cycle_id as cycleId', 'adopted_at as adoptedAt', 'created_at as createdAt'])
		.where('id', '=', versionId)
		.executeTakeFirst();
	if (!version) return null;
	const plan = await getPlan(db, version.planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) return null;
	return { version, plan, canEdit: canEditPlan(roles, plan) };
}

export async function planAccess(db: Db, roles: UserRoles, planId: string): Promise<{ plan: PlanRow; canEdit: boolean } | null> {
	if (!/^[a-z0-9]{1,40}$/.test(planId)) return null;
	const plan = await getPlan(db, planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) return null;
	return { plan, canEdit: canEditPlan(roles, plan) };
}

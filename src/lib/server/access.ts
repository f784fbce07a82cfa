import type { DocRef } from '../doc-name.ts';
import type { Db } from './db.ts';
import type { RegionRole } from './schema.ts';

/**
 * Rights, as in SPEC "Roles and rights", decided in one place for pages, form
 * actions, the JSON API and the collaboration socket alike.
 *
 *  - region admin: edits everything of the region's plans (regional and local);
 *  - region editor (werkgroeplid): edits the region's regional plans;
 *  - municipal editor: edits plans of that gemeente and its adoption rows;
 *  - ambassador: edits that theme and its actions;
 *  - anyone with any role in the region reads all of its plans;
 *  - everyone else: nothing.
 */
export type Access = 'write' | 'read' | 'none';

/** What a document name points at, after it was found in the database. */
export interface DocResource {
	ref: DocRef;
	planId: string;
	regionId: string;
	planScope: 'region' | 'municipality';
	municipalityId: string | null;
	themeId: string | null;
	/** the action or theme is archived: its text is kept as it was, read-only for everyone */
	archived: boolean;
}

export interface UserRoles {
	regionRoles: Map<string, RegionRole>;
	/** municipality id → its region id, for municipalities the user edits */
	municipalEditor: Map<string, string>;
	/** theme id → region id, for themes the user is ambassador of */
	ambassadorOf: Map<string, string>;
}

export async function loadUserRoles(db: Db, userId: string): Promise<UserRoles> {
	const [regions, municipalities, themes] = await Promise.all([
		db.selectFrom('region_memberships').select(['region_id', 'role']).where('user_id', '=', userId).execute(),
		db
			.selectFrom('municipality_memberships')
			.innerJoin('municipalities', 'municipalities.id', 'municipality_memberships.municipality_id')
			.select(['municipalities.id', 'municipalities.region_id'])
			.where('municipality_memberships.user_id', '=', userId)
			.where('municipality_memberships.role', '=', 'municipal_editor')
			.execute(),
		db
			.selectFrom('theme_ambassadors')
			.innerJoin('themes', 'themes.id', 'theme_ambassadors.theme_id')
			.innerJoin('plans', 'plans.id', 'themes.plan_id')
			.select(['themes.id', 'plans.region_id'])
			.where('theme_ambassadors.user_id', '=', userId)
			.execute()
	]);
	return {
		regionRoles: new Map(regions.map((r) => [r.region_id, r.role])),
		municipalEditor: new Map(municipalities.map((m) => [m.id, m.region_id])),
		ambassadorOf: new Map(themes.map((t) => [t.id, t.region_id]))
	};
}

export function canReadRegion(roles: UserRoles, regionId: string): boolean {
	if (roles.regionRoles.has(regionId)) return true;
	for (const region of roles.municipalEditor.values()) if (region === regionId) return true;
	for (const region of roles.ambassadorOf.values()) if (region === regionId) return true;
	return false;
}

export interface PlanScopeInfo {
	regionId: string;
	scope: 'region' | 'municipality';
	municipalityId: string | null;
}

/** May the user change the plan as a whole (intro, chapters, new themes)? */
export function canEditPlan(roles: UserRoles, plan: PlanScopeInfo): boolean {
	const role = roles.regionRoles.get(plan.regionId);
	if (role === 'admin') return true;
	if (plan.scope === 'region') return role === 'editor';
	return plan.municipalityId !== null && roles.municipalEditor.has(plan.municipalityId);
}

/** May the user change this theme and its actions? */
export function canEditTheme(roles: UserRoles, plan: PlanScopeInfo, themeId: string): boolean {
	return canEditPlan(roles, plan) || roles.ambassadorOf.has(themeId);
}

/** May the user set this gemeente's status on a regional plan's local action? */
export function canEditAdoption(roles: UserRoles, regionId: string, municipalityId: string): boolean {
	return roles.regionRoles.get(regionId) === 'admin' || roles.municipalEditor.has(municipalityId);
}

export function accessToResource(roles: UserRoles, resource: DocResource): Access {
	const plan: PlanScopeInfo = {
		regionId: resource.regionId,
		scope: resource.planScope,
		municipalityId: resource.municipalityId
	};
	const write = !resource.archived && (resource.themeId ? canEditTheme(roles, plan, resource.themeId) : canEditPlan(roles, plan));
	if (write) return 'write';
	return canReadRegion(roles, resource.regionId) ? 'read' : 'none';
}

/** Finds what a parsed document name points at; null when it does not exist. */
export async function resolveDocument(db: Db, ref: DocRef): Promise<DocResource | null> {
	const base = db
		.selectFrom('plans')
		.select(['plans.id as planId', 'plans.region_id as regionId', 'plans.scope as planScope', 'plans.municipality_id as municipalityId']);
	let row: (Omit<DocResource, 'ref' | 'themeId' | 'archived'> & { themeId: string | null; archivedAt: number | null }) | undefined;
	if (ref.kind === 'plan') {
		const found = await base.select('plans.archived_at as archivedAt').where('plans.id', '=', ref.id).executeTakeFirst();
		row = found && { ...found, themeId: null };
	} else if (ref.kind === 'theme') {
		row = await base
			.innerJoin('themes', 'themes.plan_id', 'plans.id')
			.select(['themes.id as themeId', 'themes.archived_at as archivedAt'])
			.where('themes.id', '=', ref.id)
			.executeTakeFirst();
	} else {
		row = await base
			.innerJoin('actions', 'actions.plan_id', 'plans.id')
			.select(['actions.theme_id as themeId', 'actions.archived_at as archivedAt'])
			.where('actions.id', '=', ref.id)
			.executeTakeFirst();
	}
	if (!row) return null;
	const { archivedAt, ...rest } = row;
	return { ref, ...rest, archived: archivedAt !== null };
}

export async function documentAccess(db: Db, userId: string, resource: DocResource): Promise<Access> {
	return accessToResource(await loadUserRoles(db, userId), resource);
}

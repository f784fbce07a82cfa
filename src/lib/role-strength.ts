import type { RoleChoice } from './member-roles.ts';

/**
 * How strong each role is in a region, strongest first: a region admin, then a
 * werkgroeplid (editor), a gemeente's redacteur, a theme's ambassador, a lezer.
 * A person is named by the strongest role they hold there, so an ambassador
 * who is also lezer of the region reads "Ambassadeur …", not "Lezer".
 */
const STRENGTH: readonly RoleChoice['role'][] = ['admin', 'editor', 'municipal_editor', 'ambassador', 'viewer'];

const strength = (role: RoleChoice) => STRENGTH.indexOf(role.role);

export interface StrongestRole {
	role: RoleChoice;
	/** further roles of the same kind: more gemeenten, or more themes */
	more: number;
}

/** A person's roles in one region as the access model keeps them (UserRoles in src/lib/server/access.ts). */
export interface HeldRoles {
	regionRoles: ReadonlyMap<string, string>;
	/** municipality id → region id */
	municipalEditor: ReadonlyMap<string, string>;
	/** theme id → region id */
	ambassadorOf: ReadonlyMap<string, string>;
}

/** Every role a person holds in one region: the region membership, the gemeenten they edit, the themes they are ambassador of. */
export function rolesInRegion(held: HeldRoles, regionId: string): RoleChoice[] {
	const out: RoleChoice[] = [];
	const region = held.regionRoles.get(regionId);
	if (region === 'admin' || region === 'editor' || region === 'viewer') out.push({ role: region });
	for (const [municipalityId, r] of held.municipalEditor) if (r === regionId) out.push({ role: 'municipal_editor', municipalityId });
	for (const [themeId, r] of held.ambassadorOf) if (r === regionId) out.push({ role: 'ambassador', themeId });
	return out;
}

/** The strongest of a person's roles (the first of its kind, in the order given), or null for none. */
export function strongestRole(roles: readonly RoleChoice[]): StrongestRole | null {
	let best: RoleChoice | null = null;
	let same = 0;
	for (const role of roles) {
		if (!best || strength(role) < strength(best)) {
			best = role;
			same = 0;
		} else if (role.role === best.role) same++;
	}
	return best && { role: best, more: same };
}

/** The strongest role a person holds in a region, derived from memberships and ambassadorships. */
export function strongestRoleInRegion(held: HeldRoles, regionId: string): StrongestRole | null {
	return strongestRole(rolesInRegion(held, regionId));
}

/** Roles strongest first (stable: same kinds keep their order), e.g. for a member's list of roles. */
export function byStrength<T extends RoleChoice>(roles: readonly T[]): T[] {
	return [...roles].sort((a, b) => strength(a) - strength(b));
}

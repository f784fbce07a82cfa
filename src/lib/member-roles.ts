import { m } from '$lib/paraglide/messages';
import { roleLabel } from '$lib/roles';

/**
 * One role as a single form value, so one <select> offers every role:
 * 'admin' | 'editor' | 'viewer' | 'municipal_editor:<gemeente id>' | 'ambassador:<theme id>'.
 */
export interface RoleChoice {
	role: 'admin' | 'editor' | 'viewer' | 'municipal_editor' | 'ambassador';
	municipalityId?: string;
	themeId?: string;
}

const ID = /^[a-z0-9]{1,40}$/;

export function roleValue(role: RoleChoice): string {
	if (role.role === 'municipal_editor') return `municipal_editor:${role.municipalityId}`;
	if (role.role === 'ambassador') return `ambassador:${role.themeId}`;
	return role.role;
}

/** null for anything that is not one of the forms above. */
export function parseRoleValue(value: string): RoleChoice | null {
	if (value === 'admin' || value === 'editor' || value === 'viewer') return { role: value };
	const [kind, id, ...rest] = value.split(':');
	if (rest.length || !id || !ID.test(id)) return null;
	if (kind === 'municipal_editor') return { role: 'municipal_editor', municipalityId: id };
	if (kind === 'ambassador') return { role: 'ambassador', themeId: id };
	return null;
}

export interface RoleNames {
	municipalities: Map<string, string>;
	themes: Map<string, string>;
}

export function memberRoleLabel(role: RoleChoice, names: RoleNames): string {
	if (role.role === 'municipal_editor') return m.members_role_municipal({ name: names.municipalities.get(role.municipalityId ?? '') ?? '?' });
	if (role.role === 'ambassador') return m.members_role_ambassador({ theme: names.themes.get(role.themeId ?? '') ?? '?' });
	return roleLabel(role.role);
}

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

/** "Beheerder", "Redacteur gemeente Arnhem en nog 1", "Ambassadeur Preventie", "Lezer". */
export function strongestRoleLabel(strongest: StrongestRole, names: RoleNames): string {
	const { role, more } = strongest;
	// a name the caller does not know (e.g. an archived theme): the role's general word
	if (role.role === 'municipal_editor') {
		const name = names.municipalities.get(role.municipalityId ?? '');
		if (name) return more ? m.words_role_municipal_more({ name, more }) : m.words_role_municipal({ name });
	}
	if (role.role === 'ambassador') {
		const theme = names.themes.get(role.themeId ?? '');
		if (theme) return more ? m.words_role_ambassador_more({ theme, more }) : m.words_role_ambassador({ theme });
	}
	return roleLabel(role.role);
}
